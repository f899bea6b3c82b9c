package org.userman.server.http;

import java.time.Instant;
import java.util.Set;
import org.userman.common.Page;
import org.userman.role.Roles;
import org.userman.serviceaccount.CreatedClientSecret;
import org.userman.serviceaccount.ServiceAccount;
import org.userman.serviceaccount.ServiceAccountPatch;
import org.userman.serviceaccount.ServiceAccounts;

/**
 * Service accounts for admins: create, list, change and delete them, and make, list and revoke
 * their client secrets (a new secret is in its answer only).
 */
public final class ServiceAccountRoutes {
  private static final Set<String> CREATE =
      Set.of("name", "description", "roles", "organization_id");
  private static final Set<String> PATCH = Set.of("name", "description", "status", "roles");
  private final Api api;
  private final ServiceAccounts accounts;
  private final Views views;

  public ServiceAccountRoutes(Api api, ServiceAccounts accounts, Views views) {
    this.api = api;
    this.accounts = accounts;
    this.views = views;
  }

  /**
   * A secret, the admin role on a service account, or an account enabled again (its secrets work
   * again), is a credential that outlives whoever made it: only an admin signed in recently, in a
   * session of their own, makes one (not an API key, not a service account; {@code forbidden} or
   * {@code reauthentication_required} otherwise), as for the user's own credentials.
   */
  private static void mintsCredentials(Call c) {
    c.recentSessionUser();
  }

  public void declare(ApiRoutes r) {
    r.get(
            "/api/v1/service-accounts",
            "listServiceAccounts",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              Page<ServiceAccount> page =
                  accounts.list(
                      Paging.limit(c),
                      Paging.cursor(c, n -> n.matches("[a-z0-9][a-z0-9._-]{0,63}")));
              api.ok(res, views.page(page.items(), views::serviceAccount, page.nextAfterId()));
            })
        .post(
            "/api/v1/service-accounts",
            "createServiceAccount",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              JsonBody b = c.body(CREATE);
              String name = b.string("name");
              String description = b.string("description");
              var roles = b.strings("roles");
              String organizationId = b.string("organization_id");
              b.done();
              if (roles != null && roles.contains(Roles.ADMIN)) {
                mintsCredentials(c);
              }
              api.json(
                  res,
                  201,
                  views.serviceAccount(
                      accounts.create(name, description, roles, organizationId, c.actor())));
            })
        .get(
            "/api/v1/service-accounts/{id}",
            "getServiceAccount",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              api.ok(res, views.serviceAccount(accounts.get(c.pathParam("id"))));
            })
        .patch(
            "/api/v1/service-accounts/{id}",
            "updateServiceAccount",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              JsonBody b = c.body(PATCH);
              ServiceAccountPatch patch =
                  new ServiceAccountPatch(
                      b.string("name"),
                      b.string("description"),
                      b.string("status"),
                      b.strings("roles"));
              b.done();
              // enabling an account makes its secrets work again
              if ((patch.roles() != null && patch.roles().contains(Roles.ADMIN))
                  || ServiceAccounts.ACTIVE.equals(patch.status())) {
                mintsCredentials(c);
              }
              api.ok(
                  res, views.serviceAccount(accounts.update(c.pathParam("id"), patch, c.actor())));
            })
        .delete(
            "/api/v1/service-accounts/{id}",
            "deleteServiceAccount",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              accounts.delete(c.pathParam("id"), c.actor());
              api.noContent(res);
            })
        .get(
            "/api/v1/service-accounts/{id}/secrets",
            "listClientSecrets",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              api.ok(res, views.items(accounts.secrets(c.pathParam("id")), views::clientSecret));
            })
        .post(
            "/api/v1/service-accounts/{id}/secrets",
            "createClientSecret",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              mintsCredentials(c);
              JsonBody b = c.body(Set.of("name", "expires_at"));
              String name = b.string("name");
              Instant expiresAt = b.instant("expires_at");
              b.done();
              CreatedClientSecret made =
                  accounts.createSecret(c.pathParam("id"), name, expiresAt, c.actor());
              api.json(
                  res,
                  201,
                  views
                      .clientSecret(made.clientSecret())
                      .put("client_id", made.clientSecret().serviceAccountId())
                      .put("secret", made.secret()));
            })
        .delete(
            "/api/v1/service-accounts/{id}/secrets/{secret_id}",
            "revokeClientSecret",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              accounts.deleteSecret(c.pathParam("id"), c.pathParam("secret_id"), c.actor());
              api.noContent(res);
            });
  }
}
