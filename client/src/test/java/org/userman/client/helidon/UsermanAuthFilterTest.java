package org.userman.client.helidon;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.client.FakeIssuer;
import org.userman.client.TokenVerifier;

/** The Helidon filter and handler on a real webserver on an ephemeral port. */
class UsermanAuthFilterTest {
  private FakeIssuer issuer;
  private ECKey key;
  private WebServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    issuer = new FakeIssuer();
    key = issuer.publish(FakeIssuer.newKey("k1"));
    TokenVerifier verifier = issuer.verifier().build();
    server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .shutdownHook(false)
            .routing(
                r ->
                    r.addFilter(UsermanAuthFilter.optional(verifier))
                        .any("/admin/*", UsermanAuthFilter.requireRoles(verifier, "auditor"))
                        .any("/me", UsermanAuthFilter.authenticated(verifier))
                        .any("/org/*", UsermanAuthFilter.requireOrgRoles(verifier, "billing"))
                        .get(
                            "/public",
                            (req, res) ->
                                res.send(Callers.isAuthenticated(req) ? "known" : "anonymous"))
                        .get("/me", (req, res) -> res.send(Callers.of(req).orElseThrow().subject()))
                        .get("/admin/report", (req, res) -> res.send("report"))
                        .get(
                            "/org/invoices",
                            (req, res) -> res.send(Callers.of(req).orElseThrow().orgId())))
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
    issuer.close();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void a_good_token_puts_the_caller_in_the_request_context() throws Exception {
    HttpResponse<String> res = get("/me", issuer.token(key));

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("u1");
  }

  @Test
  void a_protected_route_without_a_token_answers_401() throws Exception {
    HttpResponse<String> res = get("/me", null);

    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.headers().firstValue("WWW-Authenticate")).contains("Bearer");
  }

  @Test
  void a_bad_token_answers_401_invalid_token_even_on_a_public_route() throws Exception {
    HttpResponse<String> res = get("/public", "nope");

    assertThat(res.statusCode()).isEqualTo(401);
    assertThat(res.headers().firstValue("WWW-Authenticate"))
        .contains("Bearer error=\"invalid_token\"");
  }

  @Test
  void a_public_route_serves_anonymous_and_authenticated_callers() throws Exception {
    assertThat(get("/public", null).body()).isEqualTo("anonymous");
    assertThat(get("/public", issuer.token(key)).body()).isEqualTo("known");
  }

  @Test
  void a_caller_without_the_role_answers_403() throws Exception {
    assertThat(get("/admin/report", issuer.token(key)).statusCode()).isEqualTo(403);
    String auditor = issuer.token(key, c -> c.claim("roles", List.of("auditor")));
    assertThat(get("/admin/report", auditor).body()).isEqualTo("report");
  }

  @Test
  void organization_roles_come_from_an_organization_token() throws Exception {
    assertThat(get("/org/invoices", issuer.token(key)).statusCode()).isEqualTo(403);
    String org =
        issuer.token(key, c -> c.claim("org_id", "o1").claim("org_roles", List.of("billing")));
    assertThat(get("/org/invoices", org).body()).isEqualTo("o1");
  }
}
