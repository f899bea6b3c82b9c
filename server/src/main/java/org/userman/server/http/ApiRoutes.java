package org.userman.server.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.userman.Userman;

/**
 * The API's operations, each declared once, in its feature's routes class: its method, path
 * template and operationId, and its handler, which goes to Helidon's routing as it is. The list of
 * operations also tells which methods a path allows (for 405 and CORS preflights) and is what the
 * OpenAPI document's paths are built from, so the two cannot disagree.
 */
public final class ApiRoutes {
  /** One operation as declared: {@code path} in Helidon's template syntax ({@code /users/{id}}). */
  public record Operation(Method method, String path, String operationId) {}

  private final List<Operation> operations = new ArrayList<>();
  private final HttpRouting.Builder routing;
  private final List<Runnable> exact = new ArrayList<>();
  private final List<Runnable> templated = new ArrayList<>();

  /** Declarations that go to {@code routing}; null to only list them (the OpenAPI build step). */
  public ApiRoutes(HttpRouting.Builder routing) {
    this.routing = routing;
  }

  public ApiRoutes get(String path, String operationId, Handler handler) {
    return add(Method.GET, path, operationId, handler);
  }

  public ApiRoutes post(String path, String operationId, Handler handler) {
    return add(Method.POST, path, operationId, handler);
  }

  public ApiRoutes put(String path, String operationId, Handler handler) {
    return add(Method.PUT, path, operationId, handler);
  }

  public ApiRoutes patch(String path, String operationId, Handler handler) {
    return add(Method.PATCH, path, operationId, handler);
  }

  public ApiRoutes delete(String path, String operationId, Handler handler) {
    return add(Method.DELETE, path, operationId, handler);
  }

  private ApiRoutes add(Method method, String path, String operationId, Handler handler) {
    if (operations.stream().anyMatch(o -> o.operationId().equals(operationId))) {
      throw new IllegalStateException("two operations are called " + operationId);
    }
    operations.add(new Operation(method, path, operationId));
    if (routing != null) {
      (path.indexOf('{') < 0 ? exact : templated).add(() -> routing.route(method, path, handler));
    }
    return this;
  }

  /**
   * Hands the declared operations to Helidon's routing, which tries routes in order: the paths
   * without parameters first (a string comparison each, and {@code /users/import} before {@code
   * /users/{id}}), then the templates (a regular expression each).
   */
  private void route() {
    exact.forEach(Runnable::run);
    templated.forEach(Runnable::run);
    exact.clear();
    templated.clear();
  }

  /**
   * Declares every operation of the API on {@code routes}: each feature's routes class, once. The
   * OpenAPI build step declares them too, on routes that only list them ({@code userman} null).
   */
  public static ApiRoutes declareAll(
      ApiRoutes routes, Api api, Userman userman, Views views, byte[] openApi, String issuer) {
    boolean listing = userman == null;
    new SystemRoutes(
            api,
            listing ? null : userman.storage(),
            listing ? null : userman.signingKeys(),
            openApi,
            Duration.ofSeconds(2))
        .declare(routes);
    new UserRoutes(
            api,
            listing ? null : userman.accounts(),
            listing ? null : userman.organizations(),
            views)
        .declare(routes);
    new TransferRoutes(api, listing ? null : userman.transfers(), views).declare(routes);
    new MailTokenRoutes(
            api,
            listing ? null : userman.verifications(),
            listing ? null : userman.passwordResets(),
            views)
        .declare(routes);
    new SessionRoutes(api, listing ? null : userman.sessions(), views).declare(routes);
    new MeRoutes(api, listing ? null : userman.accounts(), views).declare(routes);
    new ApiKeyRoutes(api, listing ? null : userman.apiKeys(), views).declare(routes);
    new SecondFactorRoutes(api, listing ? null : userman.secondFactors(), views).declare(routes);
    new PasskeyRoutes(
            api, listing ? null : userman.passkeys(), listing ? null : userman.sessions(), views)
        .declare(routes);
    new AuditRoutes(api, listing ? null : userman.audit(), views).declare(routes);
    new MailQueueRoutes(api, listing ? null : userman.mailQueue(), views).declare(routes);
    new WebhookRoutes(api, listing ? null : userman.webhooks(), views).declare(routes);
    new RoleRoutes(api, listing ? null : userman.roles(), views).declare(routes);
    new ServiceAccountRoutes(api, listing ? null : userman.serviceAccounts(), views)
        .declare(routes);
    new OAuthRoutes(
            api,
            listing ? null : userman.serviceAccounts(),
            listing ? null : userman.authenticator(),
            issuer)
        .declare(routes);
    new OrganizationRoutes(api, listing ? null : userman.organizations(), views).declare(routes);
    routes.route();
    return routes;
  }

  public List<Operation> operations() {
    return List.copyOf(operations);
  }
}
