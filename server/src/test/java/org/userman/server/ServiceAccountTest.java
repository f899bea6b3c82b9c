package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Service accounts: admins manage them and their secrets (audited); a service account gets tokens
 * by the OAuth 2.0 client credentials grant, which other services verify offline through the JWKS
 * and Userman itself refuses at once when the secret is revoked or the account disabled; token
 * introspection (RFC 7662) tells services which tokens are live; the metadata lists the endpoints.
 */
class ServiceAccountTest {
  private static final String FORM = "application/x-www-form-urlencoded";

  private record Client(String id, String secret, String secretId) {}

  /** A service account with {@code roles} and one secret. */
  private static Client client(TestServer s, String admin, String name, String... roles) {
    Resp made =
        s.call("POST", "/api/v1/service-accounts", obj("name", name, "roles", roles), admin);
    assertThat(made.status()).as(made.raw()).isEqualTo(201);
    String id = made.text("id");
    Resp secret =
        s.call("POST", "/api/v1/service-accounts/" + id + "/secrets", obj("name", "one"), admin);
    assertThat(secret.status()).as(secret.raw()).isEqualTo(201);
    assertThat(secret.text("client_id")).isEqualTo(id);
    return new Client(id, secret.text("secret"), secret.text("id"));
  }

  private static String basic(String id, String secret) {
    String pair =
        URLEncoder.encode(id, StandardCharsets.UTF_8)
            + ":"
            + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static Resp grant(TestServer s, Client c, String form) {
    return s.send("POST", "/oauth2/token", FORM, form, "Authorization", basic(c.id(), c.secret()));
  }

  private static String token(TestServer s, Client c) {
    Resp r = grant(s, c, "grant_type=client_credentials");
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    return r.text("access_token");
  }

  private static JsonNode introspect(TestServer s, Client caller, String token) {
    Resp r =
        s.send(
            "POST",
            "/oauth2/introspect",
            FORM,
            "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
            "Authorization",
            basic(caller.id(), caller.secret()));
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    return r.json();
  }

  @Test
  void admins_create_list_change_and_delete_service_accounts_and_each_change_is_audited() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      s.roles("reports:read", "billing");
      s.register("ada@example.org");
      String ada = s.accessToken("ada@example.org");

      Resp made =
          s.call(
              "POST",
              "/api/v1/service-accounts",
              obj(
                  "name",
                  "reporting",
                  "description",
                  "Nightly reports",
                  "roles",
                  List.of("reports:read")),
              admin);
      assertThat(made.status()).as(made.raw()).isEqualTo(201);
      String id = made.text("id");
      assertThat(made.text("client_id")).isEqualTo(id);
      assertThat(made.text("status")).isEqualTo("active");
      assertThat(made.json().path("roles").findValuesAsText("")).isEmpty();
      assertThat(made.json().path("roles").get(0).asText()).isEqualTo("reports:read");

      assertThat(s.call("POST", "/api/v1/service-accounts", obj("name", "reporting"), admin).code())
          .isEqualTo("service_account_taken");
      Resp unknownRole =
          s.call(
              "POST",
              "/api/v1/service-accounts",
              obj("name", "other", "roles", List.of("nope")),
              admin);
      assertThat(unknownRole.status()).isEqualTo(400);
      assertThat(unknownRole.json().path("errors").get(0).path("code").asText())
          .isEqualTo("unknown_role");
      assertThat(
              s.call("POST", "/api/v1/service-accounts", obj("name", "Bad Name"), admin).status())
          .isEqualTo(400);
      assertThat(s.call("POST", "/api/v1/service-accounts", obj("name", "x"), ada).status())
          .isEqualTo(403);
      assertThat(s.get("/api/v1/service-accounts", ada).status()).isEqualTo(403);
      assertThat(s.get("/api/v1/service-accounts", null).status()).isEqualTo(401);

      assertThat(
              s.call("POST", "/api/v1/service-accounts", obj("name", "billing-sync"), admin)
                  .status())
          .isEqualTo(201);
      Resp first = s.get("/api/v1/service-accounts?limit=1", admin);
      assertThat(first.json().path("items").findValuesAsText("name"))
          .containsExactly("billing-sync");
      Resp second =
          s.get("/api/v1/service-accounts?limit=1&cursor=" + first.text("next_cursor"), admin);
      assertThat(second.json().path("items").findValuesAsText("name")).containsExactly("reporting");
      assertThat(second.json().path("next_cursor").isNull()).isTrue();

      Resp changed =
          s.call(
              "PATCH",
              "/api/v1/service-accounts/" + id,
              obj("name", "reports", "roles", List.of("billing", "reports:read")),
              admin);
      assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
      assertThat(changed.text("name")).isEqualTo("reports");
      assertThat(changed.json().path("roles").toString())
          .isEqualTo("[\"billing\",\"reports:read\"]");
      assertThat(s.get("/api/v1/service-accounts/" + id, admin).text("name")).isEqualTo("reports");
      assertThat(
              s.call("PATCH", "/api/v1/service-accounts/" + id, obj("status", "gone"), admin)
                  .status())
          .isEqualTo(400);
      assertThat(
              s.get("/api/v1/service-accounts/00000000-0000-7000-8000-000000000000", admin)
                  .status())
          .isEqualTo(404);
      assertThat(s.get("/api/v1/service-accounts/nope", admin).status()).isEqualTo(404);

      assertThat(s.call("DELETE", "/api/v1/service-accounts/" + id, null, admin).status())
          .isEqualTo(204);
      assertThat(s.get("/api/v1/service-accounts/" + id, admin).status()).isEqualTo(404);
      assertThat(s.call("DELETE", "/api/v1/service-accounts/" + id, null, admin).status())
          .isEqualTo(404);

      for (String type :
          List.of(
              "service_account_created", "service_account_updated", "service_account_deleted")) {
        JsonNode events = s.get("/api/v1/audit-events?type=" + type, admin).json().path("items");
        assertThat(events).as(type).isNotEmpty();
      }
      JsonNode updated =
          s.get("/api/v1/audit-events?type=service_account_updated", admin).json().path("items");
      assertThat(updated.get(0).path("subject_id").asText()).isEqualTo(id);
      assertThat(updated.get(0).path("details").path("roles").asText())
          .isEqualTo("billing reports:read");
    }
  }

  @Test
  void a_client_credentials_grant_gives_a_token_that_verifies_offline_and_acts_with_its_roles()
      throws Exception {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      s.roles("reports:read");
      Client reader = client(s, admin, "reporting", "reports:read");
      Client operator = client(s, admin, "provisioning", "admin");

      Resp basic = grant(s, reader, "grant_type=client_credentials");
      assertThat(basic.status()).as(basic.raw()).isEqualTo(200);
      assertThat(basic.header("Cache-Control")).isEqualTo("no-store");
      assertThat(basic.header("Pragma")).isEqualTo("no-cache");
      assertThat(basic.text("token_type")).isEqualTo("Bearer");
      assertThat(basic.json().path("expires_in").asLong()).isEqualTo(900);
      assertThat(basic.text("scope")).isEqualTo("reports:read");

      // client_secret_post gives the same kind of token
      Resp post =
          s.send(
              "POST",
              "/oauth2/token",
              FORM,
              "grant_type=client_credentials&client_id="
                  + reader.id()
                  + "&client_secret="
                  + reader.secret());
      assertThat(post.status()).as(post.raw()).isEqualTo(200);

      // any service verifies it with the published keys alone
      SignedJWT jwt = SignedJWT.parse(basic.text("access_token"));
      JWKSet keys = JWKSet.parse(s.get("/.well-known/jwks.json", null).raw());
      ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
      assertThat(jwt.verify(new ECDSAVerifier(key))).isTrue();
      var claims = jwt.getJWTClaimsSet();
      assertThat(claims.getIssuer()).isEqualTo("http://userman.test");
      assertThat(claims.getSubject()).isEqualTo(reader.id());
      assertThat(claims.getStringClaim("client_id")).isEqualTo(reader.id());
      assertThat(claims.getStringClaim("sid")).isEqualTo(reader.secretId());
      assertThat(claims.getStringListClaim("roles")).containsExactly("reports:read");
      assertThat(claims.getClaim("amr")).isNull();

      // a service account has no account of its own, and acts on Userman only as its roles allow
      String readerToken = basic.text("access_token");
      assertThat(s.get("/api/v1/me", readerToken).status()).isEqualTo(403);
      assertThat(s.get("/api/v1/users", readerToken).status()).isEqualTo(403);
      assertThat(s.get("/api/v1/me/api-keys", readerToken).status()).isEqualTo(403);
      String operatorToken = token(s, operator);
      assertThat(s.get("/api/v1/users", operatorToken).status()).isEqualTo(200);
      Resp created =
          s.call(
              "POST",
              "/api/v1/users",
              obj(
                  "email",
                  "bob@example.org",
                  "password",
                  TestServer.PASSWORD,
                  "roles",
                  List.of("reports:read")),
              operatorToken);
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      assertThat(created.json().path("roles").get(0).asText()).isEqualTo("reports:read");
      JsonNode audited =
          s.get("/api/v1/audit-events?type=registered", admin).json().path("items").get(0);
      assertThat(audited.path("actor_id").asText()).isEqualTo(operator.id());

      // the secret itself is also accepted as an API key
      assertThat(
              s.send("GET", "/api/v1/users", null, null, "X-API-Key", operator.secret()).status())
          .isEqualTo(200);
      assertThat(s.get("/api/v1/users", reader.secret()).status()).isEqualTo(403);

      // a scope narrows the token to some of the account's roles, never beyond them
      Resp narrowed = grant(s, operator, "grant_type=client_credentials&scope=admin");
      assertThat(narrowed.text("scope")).isEqualTo("admin");
      Resp beyond = grant(s, reader, "grant_type=client_credentials&scope=admin");
      assertThat(beyond.status()).isEqualTo(400);
      assertThat(beyond.text("error")).isEqualTo("invalid_scope");
    }
  }

  @Test
  void wrong_revoked_expired_and_disabled_credentials_are_refused_in_oauths_own_error_format() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      Client a = client(s, admin, "alpha");
      Client b = client(s, admin, "beta");

      Resp wrong =
          grant(s, new Client(a.id(), a.secret() + "x", null), "grant_type=client_credentials");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.header("WWW-Authenticate")).startsWith("Basic");
      assertThat(wrong.header("Content-Type")).startsWith("application/json");
      assertThat(wrong.text("error")).isEqualTo("invalid_client");
      // another account's genuine secret does not open this one
      assertThat(
              grant(s, new Client(a.id(), b.secret(), null), "grant_type=client_credentials")
                  .text("error"))
          .isEqualTo("invalid_client");
      assertThat(
              s.send("POST", "/oauth2/token", FORM, "grant_type=client_credentials").text("error"))
          .isEqualTo("invalid_client");
      JsonNode failed =
          s.get("/api/v1/audit-events?type=client_auth_failed", admin).json().path("items");
      assertThat(failed).hasSize(3);
      assertThat(failed.get(0).path("outcome").asText()).isEqualTo("failure");

      assertThat(grant(s, a, "grant_type=password").text("error"))
          .isEqualTo("unsupported_grant_type");
      assertThat(grant(s, a, "scope=x").text("error")).isEqualTo("invalid_request");
      assertThat(
              grant(s, a, "grant_type=client_credentials&grant_type=client_credentials")
                  .text("error"))
          .isEqualTo("invalid_request");
      Resp both =
          grant(
              s,
              a,
              "grant_type=client_credentials&client_id=" + a.id() + "&client_secret=" + a.secret());
      assertThat(both.text("error")).isEqualTo("invalid_request");
      Resp json =
          s.send(
              "POST",
              "/oauth2/token",
              "application/json",
              "{\"grant_type\":\"client_credentials\"}");
      assertThat(json.status()).isEqualTo(415);
      assertThat(json.text("error")).isEqualTo("invalid_request");

      // revoking the secret refuses it and every token granted with it, at the next use
      String token = token(s, a);
      assertThat(s.get("/api/v1/service-accounts", token).status()).isEqualTo(403);
      assertThat(introspect(s, b, token).path("active").asBoolean()).isTrue();
      assertThat(
              s.call(
                      "DELETE",
                      "/api/v1/service-accounts/" + a.id() + "/secrets/" + a.secretId(),
                      null,
                      admin)
                  .status())
          .isEqualTo(204);
      assertThat(grant(s, a, "grant_type=client_credentials").status()).isEqualTo(401);
      assertThat(s.get("/api/v1/service-accounts", token).status()).isEqualTo(401);
      assertThat(introspect(s, b, token).path("active").asBoolean()).isFalse();
      assertThat(
              s.get("/api/v1/audit-events?type=client_secret_revoked", admin).json().path("items"))
          .hasSize(1);

      // a second secret rotates the first: both work until one is revoked
      Resp second = s.call("POST", "/api/v1/service-accounts/" + b.id() + "/secrets", null, admin);
      Client b2 = new Client(b.id(), second.text("secret"), second.text("id"));
      assertThat(token(s, b2)).isNotBlank();
      assertThat(token(s, b)).isNotBlank();
      Resp listed = s.get("/api/v1/service-accounts/" + b.id() + "/secrets", admin);
      assertThat(listed.json().path("items")).hasSize(2);
      assertThat(listed.raw()).doesNotContain(b.secret()).doesNotContain(b2.secret());
      assertThat(listed.json().path("items").get(0).path("last_used_at").isNull()).isFalse();

      // disabling the account refuses its secrets and its tokens
      String live = token(s, b);
      s.call("PATCH", "/api/v1/service-accounts/" + b.id(), obj("status", "disabled"), admin);
      assertThat(grant(s, b2, "grant_type=client_credentials").text("error"))
          .isEqualTo("invalid_client");
      Resp introspected =
          s.send(
              "POST",
              "/oauth2/introspect",
              FORM,
              "token=" + live,
              "Authorization",
              basic(b.id(), b.secret()));
      assertThat(introspected.status()).isEqualTo(401);
      s.call("PATCH", "/api/v1/service-accounts/" + b.id(), obj("status", "active"), admin);
      assertThat(introspect(s, b, live).path("active").asBoolean()).isTrue();

      // a secret with an end stops working at it
      Resp expiring =
          s.call(
              "POST",
              "/api/v1/service-accounts/" + b.id() + "/secrets",
              obj("expires_at", "2026-11-22T11:00:00Z"),
              admin);
      Client soon = new Client(b.id(), expiring.text("secret"), expiring.text("id"));
      assertThat(grant(s, soon, "grant_type=client_credentials").status()).isEqualTo(200);
      s.clock.advance(Duration.ofHours(1));
      assertThat(grant(s, soon, "grant_type=client_credentials").status()).isEqualTo(401);
    }
  }

  @Test
  void introspection_answers_active_only_for_live_tokens_and_keys_of_this_issuer() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open");
        TestServer other = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      Client api = client(s, admin, "orders-api");
      s.register("ada@example.org");
      JsonNode session = s.login("ada@example.org");
      String ada = session.path("access_token").asText();

      // the caller must be a service account
      Resp anonymous = s.send("POST", "/oauth2/introspect", FORM, "token=" + ada);
      assertThat(anonymous.status()).isEqualTo(401);
      assertThat(anonymous.text("error")).isEqualTo("invalid_client");
      Resp asUser =
          s.send(
              "POST", "/oauth2/introspect", FORM, "token=" + ada, "Authorization", "Bearer " + ada);
      assertThat(asUser.status()).isEqualTo(401);

      JsonNode live = introspect(s, api, ada);
      assertThat(live.path("active").asBoolean()).isTrue();
      assertThat(live.path("sub").asText()).isEqualTo(session.path("user").path("id").asText());
      assertThat(live.path("sid").asText()).isEqualTo(session.path("session").path("id").asText());
      assertThat(live.path("iss").asText()).isEqualTo("http://userman.test");
      assertThat(live.path("token_type").asText()).isEqualTo("Bearer");
      assertThat(live.path("exp").asLong()).isGreaterThan(live.path("iat").asLong());
      assertThat(live.has("client_id")).isFalse();

      // the service account's own token authenticates it too
      String own = token(s, api);
      Resp byToken =
          s.send(
              "POST", "/oauth2/introspect", FORM, "token=" + own, "Authorization", "Bearer " + own);
      assertThat(byToken.status()).as(byToken.raw()).isEqualTo(200);
      assertThat(byToken.json().path("client_id").asText()).isEqualTo(api.id());

      // an API key and a client secret are introspected as what they stand for
      String key = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), ada).text("key");
      JsonNode keyAnswer = introspect(s, api, key);
      assertThat(keyAnswer.path("active").asBoolean()).isTrue();
      assertThat(keyAnswer.path("token_type").asText()).isEqualTo("api_key");
      assertThat(keyAnswer.path("sub").asText()).isEqualTo(live.path("sub").asText());
      JsonNode secretAnswer = introspect(s, api, api.secret());
      assertThat(secretAnswer.path("token_type").asText()).isEqualTo("client_secret");
      assertThat(secretAnswer.path("client_id").asText()).isEqualTo(api.id());

      // foreign, made-up and revoked tokens are inactive, and say nothing more
      String foreignAdmin = other.adminToken("root@example.org");
      assertThat(introspect(s, api, foreignAdmin).toString()).isEqualTo("{\"active\":false}");
      assertThat(introspect(s, api, "not a token").toString()).isEqualTo("{\"active\":false}");
      assertThat(introspect(s, api, "um_" + "A".repeat(43)).toString())
          .isEqualTo("{\"active\":false}");
      assertThat(s.call("DELETE", "/api/v1/sessions/current", null, ada).status()).isEqualTo(204);
      assertThat(introspect(s, api, ada).toString()).isEqualTo("{\"active\":false}");
      assertThat(introspect(s, api, key).path("active").asBoolean()).isTrue();

      // and an expired one too
      String later = s.accessToken("ada@example.org");
      assertThat(introspect(s, api, later).path("active").asBoolean()).isTrue();
      s.clock.advance(Duration.ofMinutes(16));
      assertThat(introspect(s, api, later).path("active").asBoolean()).isFalse();

      assertThat(
              s.send(
                      "POST",
                      "/oauth2/introspect",
                      FORM,
                      "token_type_hint=access_token",
                      "Authorization",
                      basic(api.id(), api.secret()))
                  .text("error"))
          .isEqualTo("invalid_request");
    }
  }

  @Test
  void the_metadata_lists_the_issuer_and_its_endpoints() {
    try (TestServer s = TestServer.start()) {
      Resp m = s.get("/.well-known/oauth-authorization-server", null);
      assertThat(m.status()).isEqualTo(200);
      assertThat(m.text("issuer")).isEqualTo("http://userman.test");
      assertThat(m.text("token_endpoint")).isEqualTo("http://userman.test/oauth2/token");
      assertThat(m.text("introspection_endpoint"))
          .isEqualTo("http://userman.test/oauth2/introspect");
      assertThat(m.text("jwks_uri")).isEqualTo("http://userman.test/.well-known/jwks.json");
      assertThat(m.json().path("grant_types_supported").toString())
          .isEqualTo("[\"client_credentials\"]");
      assertThat(m.json().path("token_endpoint_auth_methods_supported").toString())
          .isEqualTo("[\"client_secret_basic\",\"client_secret_post\"]");
    }
  }

  @Test
  void a_role_a_service_account_holds_is_deleted_only_by_force_which_takes_it_from_the_account() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      s.roles("reports:read");
      Client c = client(s, admin, "reporting", "reports:read");
      Resp inUse = s.call("DELETE", "/api/v1/roles/reports:read", null, admin);
      assertThat(inUse.status()).isEqualTo(409);
      assertThat(inUse.code()).isEqualTo("role_in_use");
      assertThat(s.call("DELETE", "/api/v1/roles/reports:read?force=true", null, admin).status())
          .isEqualTo(204);
      assertThat(s.get("/api/v1/service-accounts/" + c.id(), admin).json().path("roles")).isEmpty();
      assertThat(grant(s, c, "grant_type=client_credentials").text("scope")).isEmpty();
    }
  }

  @Test
  void
      only_an_admins_recent_session_mints_secrets_or_admin_accounts_and_a_narrowed_token_is_no_admin() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      s.roles("reports:read");
      Client operator = client(s, admin, "provisioning", "admin", "reports:read");
      String adminKey = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), admin).text("key");
      String operatorToken = token(s, operator);
      String path = "/api/v1/service-accounts/" + operator.id();

      // an API key or a service account manages accounts, but mints no credential
      for (String credential : List.of(adminKey, operatorToken, operator.secret())) {
        assertThat(s.get("/api/v1/service-accounts", credential).status()).isEqualTo(200);
        Resp secret = s.call("POST", path + "/secrets", null, credential);
        assertThat(secret.status()).as(secret.raw()).isEqualTo(403);
        assertThat(
                s.call(
                        "POST",
                        "/api/v1/service-accounts",
                        obj("name", "escalate", "roles", List.of("admin")),
                        credential)
                    .status())
            .isEqualTo(403);
        assertThat(
                s.call("PATCH", path, obj("roles", List.of("admin", "reports:read")), credential)
                    .status())
            .isEqualTo(403);
      }
      assertThat(
              s.call("POST", "/api/v1/service-accounts", obj("name", "plain"), adminKey).status())
          .isEqualTo(201);
      // disabling is anyone's with the admin role; enabling again revives the secrets
      assertThat(s.call("PATCH", path, obj("status", "disabled"), adminKey).status())
          .isEqualTo(200);
      assertThat(s.call("PATCH", path, obj("status", "active"), adminKey).status()).isEqualTo(403);
      assertThat(s.call("PATCH", path, obj("status", "active"), admin).status()).isEqualTo(200);
      assertThat(s.column("SELECT id FROM client_secrets")).hasSize(1);

      // a token granted for other roles than admin is no admin on Userman's API
      String narrowed =
          grant(s, operator, "grant_type=client_credentials&scope=reports:read")
              .text("access_token");
      assertThat(s.get("/api/v1/users", narrowed).status()).isEqualTo(403);
      assertThat(s.get("/api/v1/users", operatorToken).status()).isEqualTo(200);

      // an admin's session past the step-up window signs in again first
      s.clock.advance(Duration.ofMinutes(10));
      Resp stale = s.call("POST", path + "/secrets", null, admin);
      assertThat(stale.status()).isEqualTo(403);
      assertThat(stale.code()).isEqualTo("reauthentication_required");
      Resp later = s.call("POST", path + "/secrets", null, s.accessToken("root@example.org"));
      assertThat(later.status()).as(later.raw()).isEqualTo(201);
    }
  }

  @Test
  void an_organizations_service_account_carries_its_org_id_and_goes_with_the_organization()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      s.register("owner@example.org");
      String owner = s.accessToken("owner@example.org");
      String org = s.call("POST", "/api/v1/organizations", obj("name", "Acme"), owner).text("id");

      Resp unknown =
          s.call(
              "POST",
              "/api/v1/service-accounts",
              obj("name", "ghost", "organization_id", "0190a0a0-0000-7000-8000-000000000000"),
              admin);
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(unknown.json().path("errors").get(0).path("field").asText())
          .isEqualTo("organization_id");

      Resp made =
          s.call(
              "POST",
              "/api/v1/service-accounts",
              obj("name", "acme-sync", "organization_id", org),
              admin);
      assertThat(made.status()).as(made.raw()).isEqualTo(201);
      assertThat(made.text("organization_id")).isEqualTo(org);
      String id = made.text("id");
      Resp secret = s.call("POST", "/api/v1/service-accounts/" + id + "/secrets", null, admin);
      Client c = new Client(id, secret.text("secret"), secret.text("id"));
      SignedJWT jwt = SignedJWT.parse(token(s, c));
      assertThat(jwt.getJWTClaimsSet().getStringClaim("org_id")).isEqualTo(org);
      Client instance = client(s, admin, "instance-wide");
      assertThat(SignedJWT.parse(token(s, instance)).getJWTClaimsSet().getClaim("org_id")).isNull();
      assertThat(introspect(s, instance, c.secret()).path("org_id").asText()).isEqualTo(org);

      assertThat(s.call("DELETE", "/api/v1/organizations/" + org, null, owner).status())
          .isEqualTo(204);
      assertThat(s.get("/api/v1/service-accounts/" + id, admin).status()).isEqualTo(404);
      assertThat(grant(s, c, "grant_type=client_credentials").status()).isEqualTo(401);
      assertThat(s.column("SELECT id FROM client_secrets WHERE service_account_id = ?", id))
          .isEmpty();
    }
  }
}
