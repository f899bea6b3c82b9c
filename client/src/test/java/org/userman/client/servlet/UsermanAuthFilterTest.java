package org.userman.client.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.client.Caller;
import org.userman.client.FakeIssuer;
import org.userman.client.TokenVerifier;

/**
 * The servlet filter against the real verifier and a fake issuer; the request and response are
 * stubs holding just what the filter touches, as a container would fill them.
 */
class UsermanAuthFilterTest {
  private FakeIssuer issuer;
  private ECKey key;
  private TokenVerifier verifier;

  @BeforeEach
  void start() throws Exception {
    issuer = new FakeIssuer();
    key = issuer.publish(FakeIssuer.newKey("k1"));
    verifier = issuer.verifier().build();
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  /** What reached the servlet behind the filter, or what the filter answered instead. */
  private static final class Exchange {
    final Map<String, Object> attributes = new HashMap<>();
    final Map<String, String> responseHeaders = new HashMap<>();
    int status;
    final AtomicReference<Caller> servletSaw = new AtomicReference<>();
    boolean servletRan;
  }

  private Exchange run(UsermanAuthFilter filter, String authorization) throws Exception {
    Exchange ex = new Exchange();
    HttpServletRequest request =
        (HttpServletRequest)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "getHeader" ->
                          "authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                      case "getAttribute" -> ex.attributes.get((String) args[0]);
                      case "setAttribute" -> ex.attributes.put((String) args[0], args[1]);
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    HttpServletResponse response =
        (HttpServletResponse)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> {
                  switch (method.getName()) {
                    case "setHeader" -> ex.responseHeaders.put((String) args[0], (String) args[1]);
                    case "sendError" -> ex.status = (Integer) args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                  }
                  return null;
                });
    filter.doFilter(
        request,
        response,
        (req, res) -> {
          ex.servletRan = true;
          ex.servletSaw.set(Callers.of(req).orElse(null));
        });
    return ex;
  }

  @Test
  void a_good_token_reaches_the_servlet_with_its_caller() throws Exception {
    Exchange ex = run(UsermanAuthFilter.authenticated(verifier), "Bearer " + issuer.token(key));

    assertThat(ex.servletRan).isTrue();
    assertThat(ex.servletSaw.get().subject()).isEqualTo("u1");
    assertThat(ex.status).isZero();
  }

  @Test
  void a_request_without_a_token_is_answered_401_without_an_error_code() throws Exception {
    Exchange ex = run(UsermanAuthFilter.authenticated(verifier), null);

    assertThat(ex.servletRan).isFalse();
    assertThat(ex.status).isEqualTo(401);
    assertThat(ex.responseHeaders).containsEntry("WWW-Authenticate", "Bearer");
  }

  @Test
  void a_bad_token_is_answered_401_invalid_token() throws Exception {
    for (String header :
        List.of("Bearer nope", "Bearer " + issuer.token(FakeIssuer.newKey("k1")), "Bearer a b")) {
      Exchange ex = run(UsermanAuthFilter.authenticated(verifier), header);

      assertThat(ex.servletRan).as(header).isFalse();
      assertThat(ex.status).isEqualTo(401);
      assertThat(ex.responseHeaders)
          .containsEntry("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    }
  }

  @Test
  void a_caller_without_the_roles_is_answered_403() throws Exception {
    String token = "Bearer " + issuer.token(key);

    assertThat(run(UsermanAuthFilter.requireRoles(verifier, "admin", "user"), token).servletRan)
        .isTrue();
    Exchange ex = run(UsermanAuthFilter.requireRoles(verifier, "admin", "auditor"), token);
    assertThat(ex.servletRan).isFalse();
    assertThat(ex.status).isEqualTo(403);
    assertThat(ex.responseHeaders)
        .containsEntry("WWW-Authenticate", "Bearer error=\"insufficient_scope\"");
  }

  @Test
  void organization_roles_are_required_in_an_organization_token() throws Exception {
    UsermanAuthFilter filter = UsermanAuthFilter.requireOrgRoles(verifier, "billing");

    assertThat(run(filter, "Bearer " + issuer.token(key)).status).isEqualTo(403);
    String orgToken =
        issuer.token(key, c -> c.claim("org_id", "o1").claim("org_roles", List.of("billing")));
    Exchange ex = run(filter, "bearer " + orgToken);
    assertThat(ex.servletRan).isTrue();
    assertThat(ex.servletSaw.get().orgId()).isEqualTo("o1");
  }

  @Test
  void optional_authentication_lets_anonymous_requests_through_but_not_bad_tokens()
      throws Exception {
    UsermanAuthFilter filter = UsermanAuthFilter.optional(verifier);

    Exchange anonymous = run(filter, null);
    assertThat(anonymous.servletRan).isTrue();
    assertThat(anonymous.servletSaw.get()).isNull();

    assertThat(run(filter, "Bearer " + issuer.token(key)).servletSaw.get().subject())
        .isEqualTo("u1");
    assertThat(run(filter, "Bearer nope").status).isEqualTo(401);
  }

  @Test
  void unreachable_keys_answer_503_not_401() throws Exception {
    issuer.jwksDown = true;

    Exchange ex = run(UsermanAuthFilter.authenticated(verifier), "Bearer " + issuer.token(key));

    assertThat(ex.status).isEqualTo(503);
    assertThat(ex.responseHeaders).doesNotContainKey("WWW-Authenticate");
  }
}
