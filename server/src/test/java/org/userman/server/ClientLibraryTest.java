package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.userman.client.AccessPolicy;
import org.userman.client.Caller;
import org.userman.client.Introspector;
import org.userman.client.InvalidTokenException;
import org.userman.client.TokenVerifier;
import org.userman.server.support.TestServer;

/**
 * The verifier library that other services use accepts the access tokens this server issues (on the
 * test server's clock: its tokens are issued at the time it says).
 */
class ClientLibraryTest {

  @Test
  void the_client_library_verifies_a_signed_in_users_access_token() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("client@example.org");
      JsonNode login = s.login("client@example.org");

      TokenVerifier verifier =
          TokenVerifier.builder("http://userman.test")
              .jwksUri(s.uri("/.well-known/jwks.json"))
              .clock(s.clock)
              .build();
      Caller caller = verifier.verify(login.path("access_token").asText());

      assertThat(caller.subject()).isEqualTo(login.path("user").path("id").asText());
      assertThat(caller.sessionId()).isEqualTo(login.path("session").path("id").asText());
      assertThat(caller.expiresAt()).isNotNull();
      assertThat(caller.claim("amr")).isPresent();
      assertThat(caller.hasRoles("admin")).isFalse();

      // the roles claim reaches a role check as the filters make it
      AccessPolicy admins = AccessPolicy.requireRoles(verifier, "admin");
      assertThat(admins.decide("Bearer " + s.adminToken("admin@example.org"), null).passes())
          .isTrue();
      assertThat(admins.decide("Bearer " + login.path("access_token").asText(), null).status())
          .isEqualTo(403);
    }
  }

  @Test
  void a_token_for_the_configured_audience_passes_only_a_verifier_of_that_audience()
      throws Exception {
    try (TestServer s =
        TestServer.start("USERMAN_REGISTRATION=open", "USERMAN_TOKENS_AUDIENCE=orders")) {
      s.register("aud@example.org");
      String token = s.accessToken("aud@example.org");
      TokenVerifier.Builder verifier =
          TokenVerifier.builder("http://userman.test")
              .jwksUri(s.uri("/.well-known/jwks.json"))
              .clock(s.clock);

      assertThat(verifier.audience("orders").build().verify(token).subject()).isNotEmpty();
      assertThatThrownBy(() -> verifier.audience("billing").build().verify(token))
          .isInstanceOfSatisfying(
              InvalidTokenException.class,
              e -> assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.WRONG_AUDIENCE));
    }
  }

  @Test
  void the_libraries_introspector_and_verifier_work_with_a_service_account_of_a_running_userman()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      String id =
          s.call(
                  "POST",
                  "/api/v1/service-accounts",
                  TestServer.obj("name", "orders", "roles", java.util.List.of("admin")),
                  admin)
              .text("id");
      String secret =
          s.call("POST", "/api/v1/service-accounts/" + id + "/secrets", null, admin).text("secret");
      s.register("ada@example.org");
      String ada = s.accessToken("ada@example.org");

      Introspector introspector =
          Introspector.builder("http://userman.test", id, secret)
              .endpoint(s.uri("/oauth2/introspect"))
              .cacheTtl(java.time.Duration.ZERO)
              .clock(s.clock)
              .build();
      Caller user = introspector.verify(ada);
      assertThat(user.subject()).isEqualTo(s.get("/api/v1/me", ada).text("id"));
      s.call("DELETE", "/api/v1/sessions/current", null, ada);
      assertThatThrownBy(() -> introspector.verify(ada))
          .isInstanceOfSatisfying(
              InvalidTokenException.class,
              e -> assertThat(e.reason()).isEqualTo(InvalidTokenException.Reason.INACTIVE));

      // a client credentials token verifies offline, and carries the account's roles
      String token =
          s.send(
                  "POST",
                  "/oauth2/token",
                  "application/x-www-form-urlencoded",
                  "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret)
              .text("access_token");
      TokenVerifier verifier =
          TokenVerifier.builder("http://userman.test")
              .jwksUri(s.uri("/.well-known/jwks.json"))
              .clock(s.clock)
              .build();
      Caller service = verifier.verify(token);
      assertThat(service.subject()).isEqualTo(id);
      assertThat(service.stringClaim("client_id")).contains(id);
      assertThat(service.hasRoles("admin")).isTrue();
      assertThat(introspector.verify(token).subject()).isEqualTo(id);
    }
  }
}
