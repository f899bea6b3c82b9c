package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.userman.server.http.ApiRoutes;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/** The conventions every endpoint shares: bad input, errors, headers, discovery documents. */
class ProtocolTest {
  private static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start("USERMAN_REGISTRATION=open");
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  private static void assertProblem(Resp r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.json().path("type").asText()).isEqualTo("urn:userman:problem:" + code);
    assertThat(r.json().path("title").asText()).isNotEmpty();
    assertThat(r.json().path("status").asInt()).isEqualTo(status);
    assertThat(r.json().path("detail").asText()).isNotEmpty();
  }

  @Test
  void malformed_json_is_400_malformed_request() {
    assertProblem(
        s.send("POST", "/api/v1/users", "application/json", "{\"email\":"),
        400,
        "malformed_request");
    assertProblem(
        s.send("POST", "/api/v1/users", "application/json", "[1,2]"), 400, "malformed_request");
    assertProblem(
        s.send(
            "POST",
            "/api/v1/users",
            "application/json",
            "{\"email\":\"a@b.org\",\"email\":\"c@d.org\"}"),
        400,
        "malformed_request");
  }

  @Test
  void wrong_content_type_is_415() {
    assertProblem(
        s.send("POST", "/api/v1/sessions", "text/plain", "{\"email\":\"a@b.org\"}"),
        415,
        "unsupported_media_type");
    assertProblem(
        s.send("POST", "/api/v1/sessions", null, "{\"email\":\"a@b.org\"}"),
        415,
        "unsupported_media_type");
    assertThat(
            s.send(
                    "POST",
                    "/api/v1/sessions",
                    "application/json; charset=utf-8",
                    "{\"email\":\"nobody@b.org\",\"password\":\"x\"}")
                .status())
        .isEqualTo(401);
  }

  @Test
  void oversized_body_is_413() {
    String big = "{\"email\":\"" + "a".repeat(70_000) + "\"}";
    assertProblem(
        s.send("POST", "/api/v1/users", "application/json", big), 413, "payload_too_large");
  }

  @Test
  void unknown_fields_and_wrong_types_are_400_with_the_field_named() {
    Resp unknown =
        s.post(
            "/api/v1/users", obj("email", "u@example.org", "password", PASSWORD, "is_admin", true));
    assertProblem(unknown, 400, "validation_failed");
    assertThat(unknown.json().path("errors").get(0).path("field").asText()).isEqualTo("is_admin");
    assertThat(unknown.json().path("errors").get(0).path("code").asText())
        .isEqualTo("unknown_field");

    Resp wrongType =
        s.post("/api/v1/users", obj("email", 42, "password", List.of("x"), "attributes", "flat"));
    assertProblem(wrongType, 400, "validation_failed");
    assertThat(wrongType.json().path("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("email", "password", "attributes");
  }

  @Test
  void unknown_paths_are_404_and_wrong_methods_405_as_problems() {
    assertProblem(s.get("/api/v1/nothing-here", null), 404, "not_found");
    assertProblem(s.get("/nothing-here", null), 404, "not_found");
    Resp wrongMethod = s.call("PUT", "/api/v1/users", obj(), null);
    assertProblem(wrongMethod, 405, "method_not_allowed");
    assertThat(wrongMethod.header("Allow")).contains("POST", "GET");
  }

  @Test
  void missing_or_malformed_credentials_are_401_with_a_bearer_challenge() {
    for (Resp r :
        List.of(
            s.get("/api/v1/me", null),
            s.get("/api/v1/me", "not.a.jwt"),
            s.get("/api/v1/me", "um_notakey"),
            s.send("GET", "/api/v1/me", null, null, "Authorization", "Basic dXNlcjpwYXNz"))) {
      assertProblem(r, 401, "unauthenticated");
      assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
    }
  }

  @Test
  void every_answer_has_a_request_id_and_no_store() {
    Resp r = s.send("GET", "/health/live", null, null, "X-Request-Id", "abc-123");
    assertThat(r.header("X-Request-Id")).isEqualTo("abc-123");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    Resp generated =
        s.send("GET", "/health/live", null, null, "X-Request-Id", "bad id with spaces");
    assertThat(generated.header("X-Request-Id")).matches("[0-9a-f]{16}");
  }

  @Test
  void health_endpoints_answer() {
    assertThat(s.get("/health/live", null).text("status")).isEqualTo("up");
    assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
  }

  @Test
  void access_tokens_verify_against_the_published_jwks() throws Exception {
    s.register("jwks@example.org");
    JsonNode login = s.login("jwks@example.org");
    SignedJWT jwt = SignedJWT.parse(login.path("access_token").asText());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("ES256");

    Resp jwks = s.get("/.well-known/jwks.json", null);
    assertThat(jwks.status()).isEqualTo(200);
    assertThat(jwks.raw()).doesNotContain("\"d\"");
    ECKey key = JWKSet.parse(jwks.raw()).getKeyByKeyId(jwt.getHeader().getKeyID()).toECKey();
    assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();

    Map<String, Object> claims = jwt.getJWTClaimsSet().getClaims();
    assertThat(claims).containsKeys("iss", "sub", "sid", "iat", "exp", "roles");
    assertThat(claims.get("iss")).isEqualTo("http://userman.test");
    assertThat(claims.get("sub")).isEqualTo(login.path("user").path("id").asText());
    assertThat(claims.get("sid")).isEqualTo(login.path("session").path("id").asText());
  }

  @Test
  void openapi_document_lists_exactly_the_routes_that_exist() {
    Resp doc = s.get("/api/v1/openapi.json", null);
    assertThat(doc.status()).isEqualTo(200);
    assertThat(doc.json().path("openapi").asText()).isEqualTo("3.1.0");
    Set<String> documented = new TreeSet<>();
    for (Map.Entry<String, JsonNode> p : doc.json().path("paths").properties()) {
      p.getValue()
          .fieldNames()
          .forEachRemaining(
              m -> {
                if (!m.equals("parameters")) {
                  documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey());
                }
              });
    }
    Set<String> served = new TreeSet<>();
    for (ApiRoutes.Operation r : s.server().operations()) {
      served.add(r.method().text() + " " + r.path());
    }
    assertThat(documented).isEqualTo(served);
    // and every route the contract names is served
    assertThat(served)
        .contains(
            "POST /api/v1/users",
            "POST /api/v1/email-verifications",
            "POST /api/v1/email-verifications/confirm",
            "POST /api/v1/sessions",
            "POST /api/v1/sessions/refresh",
            "GET /api/v1/sessions",
            "DELETE /api/v1/sessions/current",
            "DELETE /api/v1/sessions/{id}",
            "GET /api/v1/me",
            "PATCH /api/v1/me",
            "PUT /api/v1/me/password",
            "POST /api/v1/me/email",
            "GET /api/v1/me/api-keys",
            "POST /api/v1/me/api-keys",
            "DELETE /api/v1/me/api-keys/{id}",
            "POST /api/v1/password-resets",
            "POST /api/v1/password-resets/confirm",
            "GET /api/v1/users",
            "GET /api/v1/users/{id}",
            "PATCH /api/v1/users/{id}",
            "DELETE /api/v1/users/{id}",
            "GET /.well-known/jwks.json",
            "GET /health/live",
            "GET /health/ready");
  }
}
