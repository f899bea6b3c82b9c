package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.SoftwareAuthenticator;
import org.userman.server.support.TestServer;
import org.userman.server.support.TotpCodes;

/**
 * Passkeys over HTTP, with an authenticator in software: registration, the list, renaming and
 * removal, signing in with a passkey alone, a passkey as the second factor, and what is refused
 * (another origin, a challenge answered twice or never handed out, a counter gone back, a change
 * without a recent proof).
 */
class PasskeyTest {
  private static final String ADA = "ada@example.org";
  private static final String ORIGIN = "http://userman.test";

  private static Resp register(
      TestServer s, String token, SoftwareAuthenticator a, String name, String origin) {
    Resp options = s.call("POST", "/api/v1/me/passkeys/options", null, token);
    assertThat(options.status()).as(options.toString()).isEqualTo(200);
    ObjectNode credential = a.create(options.json().path("public_key"), origin);
    return s.call(
        "POST", "/api/v1/me/passkeys", obj("name", name, "credential", credential), token);
  }

  private static JsonNode signInOptions(TestServer s) {
    Resp options = s.post("/api/v1/sessions/passkey/options", null);
    assertThat(options.status()).as(options.toString()).isEqualTo(200);
    return options.json().path("public_key");
  }

  private static Resp signIn(TestServer s, ObjectNode credential) {
    return s.post("/api/v1/sessions/passkey", obj("credential", credential, "device", "laptop"));
  }

  private static List<String> events(TestServer s, String token, String type) {
    List<String> out = new ArrayList<>();
    s.get("/api/v1/me/events?type=" + type, token)
        .json()
        .path("items")
        .forEach(e -> out.add(e.path("outcome").asText() + " " + e.path("details")));
    return out;
  }

  @Test
  void a_passkey_is_registered_listed_renamed_and_removed_with_audit_and_mail() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      Resp options = s.call("POST", "/api/v1/me/passkeys/options", null, token);
      JsonNode o = options.json().path("public_key");
      assertThat(o.path("rp").path("id").asText()).isEqualTo("userman.test");
      assertThat(o.path("user").path("name").asText()).isEqualTo(ADA);
      assertThat(o.path("authenticatorSelection").path("residentKey").asText())
          .isEqualTo("required");
      assertThat(o.path("authenticatorSelection").path("userVerification").asText())
          .isEqualTo("required");
      assertThat(o.path("challenge").asText()).matches("[A-Za-z0-9_-]{43}");
      // ES256 first (every authenticator), then EdDSA and RS256
      assertThat(o.path("pubKeyCredParams").findValuesAsText("alg"))
          .containsExactly("-7", "-8", "-257");

      SoftwareAuthenticator key = new SoftwareAuthenticator();
      Resp added =
          s.call(
              "POST",
              "/api/v1/me/passkeys",
              obj("name", "My laptop", "credential", key.create(o, ORIGIN)),
              token);
      assertThat(added.status()).as(added.toString()).isEqualTo(201);
      assertThat(added.text("name")).isEqualTo("My laptop");
      assertThat(added.json().path("synced").asBoolean()).isFalse();
      assertThat(added.json().path("transports").toString()).isEqualTo("[\"internal\"]");
      assertThat(added.json().path("last_used_at").isNull()).isTrue();
      String id = added.text("id");
      assertThat(s.mailsTo(ADA)).anyMatch(m -> m.contains("A passkey was added"));

      // the next registration's options name it, so that the authenticator makes no second one
      assertThat(
              s.call("POST", "/api/v1/me/passkeys/options", null, token)
                  .json()
                  .path("public_key")
                  .path("excludeCredentials")
                  .get(0)
                  .path("id")
                  .asText())
          .isEqualTo(key.credentialId());
      Resp again = register(s, token, key, "twice", ORIGIN);
      assertThat(again.status()).isEqualTo(400);
      assertThat(again.code()).isEqualTo("invalid_passkey");

      Resp renamed =
          s.call("PATCH", "/api/v1/me/passkeys/" + id, obj("name", "Work laptop"), token);
      assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
      assertThat(renamed.text("name")).isEqualTo("Work laptop");
      JsonNode list = s.get("/api/v1/me/passkeys", token).json().path("items");
      assertThat(list).hasSize(1);
      assertThat(list.get(0).path("name").asText()).isEqualTo("Work laptop");
      assertThat(s.call("PATCH", "/api/v1/me/passkeys/" + id, obj("name", " "), token).code())
          .isEqualTo("validation_failed");

      // another account sees none of it
      s.register("bob@example.org");
      String bob = s.accessToken("bob@example.org");
      assertThat(s.get("/api/v1/me/passkeys", bob).json().path("items")).isEmpty();
      assertThat(s.call("DELETE", "/api/v1/me/passkeys/" + id, null, bob).status()).isEqualTo(404);

      assertThat(s.call("DELETE", "/api/v1/me/passkeys/" + id, null, token).status())
          .isEqualTo(204);
      assertThat(s.call("DELETE", "/api/v1/me/passkeys/" + id, null, token).status())
          .isEqualTo(404);
      assertThat(s.get("/api/v1/me/passkeys", token).json().path("items")).isEmpty();
      assertThat(s.mailsTo(ADA)).anyMatch(m -> m.contains("A passkey was removed"));
      assertThat(events(s, token, "passkey_added")).hasSize(1);
      assertThat(events(s, token, "passkey_renamed")).hasSize(1);
      assertThat(events(s, token, "passkey_removed")).hasSize(1);
      // and it no longer signs in
      assertThat(signIn(s, key.get(signInOptions(s), ORIGIN)).code())
          .isEqualTo("invalid_credentials");
    }
  }

  @Test
  void a_discoverable_passkey_signs_in_with_no_password() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      SoftwareAuthenticator key = new SoftwareAuthenticator();
      assertThat(register(s, token, key, "laptop", ORIGIN).status()).isEqualTo(201);

      JsonNode options = signInOptions(s);
      assertThat(options.path("rpId").asText()).isEqualTo("userman.test");
      assertThat(options.path("allowCredentials")).isEmpty();
      Resp done = signIn(s, key.get(options, ORIGIN));
      assertThat(done.status()).as(done.toString()).isEqualTo(201);
      assertThat(done.header("Cache-Control")).isEqualTo("no-store");
      assertThat(done.json().path("user").path("email").asText()).isEqualTo(ADA);
      assertThat(done.json().path("session").path("amr").toString()).isEqualTo("[\"hwk\",\"mfa\"]");
      assertThat(done.json().path("session").path("device").asText()).isEqualTo("laptop");
      String fresh = done.text("access_token");
      assertThat(s.get("/api/v1/me", fresh).status()).isEqualTo(200);
      assertThat(
              s.get("/api/v1/me/passkeys", fresh)
                  .json()
                  .path("items")
                  .get(0)
                  .path("last_used_at")
                  .isNull())
          .isFalse();

      // a synced passkey stands for a key in software
      SoftwareAuthenticator synced = new SoftwareAuthenticator(true);
      assertThat(register(s, token, synced, "phone", ORIGIN).status()).isEqualTo(201);
      assertThat(
              signIn(s, synced.get(signInOptions(s), ORIGIN))
                  .json()
                  .path("session")
                  .path("amr")
                  .toString())
          .isEqualTo("[\"swk\",\"mfa\"]");

      // an inactive account is told so only after a right passkey
      String admin = s.adminToken("root@example.org");
      String id = done.json().path("user").path("id").asText();
      assertThat(s.call("PATCH", "/api/v1/users/" + id, obj("status", "disabled"), admin).status())
          .isEqualTo(200);
      assertThat(signIn(s, key.get(signInOptions(s), ORIGIN)).code())
          .isEqualTo("account_not_active");
    }
  }

  @Test
  void an_answer_made_for_another_origin_is_refused() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      SoftwareAuthenticator key = new SoftwareAuthenticator();
      Resp phished = register(s, token, key, "laptop", "https://userman.test.evil.example");
      assertThat(phished.status()).isEqualTo(400);
      assertThat(phished.code()).isEqualTo("invalid_passkey");
      assertThat(s.get("/api/v1/me/passkeys", token).json().path("items")).isEmpty();

      assertThat(register(s, token, key, "laptop", ORIGIN).status()).isEqualTo(201);
      Resp elsewhere = signIn(s, key.get(signInOptions(s), "https://evil.example"));
      assertThat(elsewhere.status()).isEqualTo(401);
      assertThat(elsewhere.code()).isEqualTo("invalid_credentials");
      // nor does a key made for another relying party id sign in here
      Resp otherRp =
          signIn(s, key.get("evil.example", signInOptions(s).path("challenge").asText(), ORIGIN));
      assertThat(otherRp.code()).isEqualTo("invalid_credentials");
      assertThat(events(s, token, "passkey_failed"))
          .anyMatch(e -> e.contains("bad_origin"))
          .anyMatch(e -> e.contains("bad_rp_id"));
    }
  }

  @Test
  void a_challenge_is_answered_once_and_one_never_handed_out_not_at_all() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      SoftwareAuthenticator key = new SoftwareAuthenticator();
      Resp options = s.call("POST", "/api/v1/me/passkeys/options", null, token);
      ObjectNode made = key.create(options.json().path("public_key"), ORIGIN);
      assertThat(
              s.call("POST", "/api/v1/me/passkeys", obj("name", "a", "credential", made), token)
                  .status())
          .isEqualTo(201);
      Resp replayedRegistration =
          s.call("POST", "/api/v1/me/passkeys", obj("name", "b", "credential", made), token);
      assertThat(replayedRegistration.code()).isEqualTo("invalid_passkey");

      ObjectNode answer = key.get(signInOptions(s), ORIGIN);
      assertThat(signIn(s, answer).status()).isEqualTo(201);
      Resp replayed = signIn(s, answer);
      assertThat(replayed.status()).isEqualTo(401);
      assertThat(replayed.code()).isEqualTo("invalid_credentials");

      Resp madeUp =
          signIn(s, key.get("userman.test", "bm90LWEtY2hhbGxlbmdlLWhhbmRlZC1vdXQtYnktdXM", ORIGIN));
      assertThat(madeUp.code()).isEqualTo("invalid_credentials");

      // a challenge lives five minutes
      JsonNode late = signInOptions(s);
      s.clock.advance(Duration.ofMinutes(6));
      assertThat(signIn(s, key.get(late, ORIGIN)).code()).isEqualTo("invalid_credentials");
      assertThat(events(s, token, "passkey_failed"))
          .filteredOn(e -> e.contains("unknown_challenge"))
          .hasSize(3);

      Resp garbage =
          s.post(
              "/api/v1/sessions/passkey", obj("credential", obj("id", "x", "type", "public-key")));
      assertThat(garbage.status()).isEqualTo(401);
      assertThat(s.post("/api/v1/sessions/passkey", obj("credential", "text")).code())
          .isEqualTo("validation_failed");
    }
  }

  @Test
  void a_signature_counter_that_goes_back_is_refused() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      SoftwareAuthenticator key = new SoftwareAuthenticator();
      assertThat(register(s, token, key, "laptop", ORIGIN).status()).isEqualTo(201);
      key.counter(5);
      assertThat(signIn(s, key.get(signInOptions(s), ORIGIN)).status()).isEqualTo(201);
      assertThat(s.column("SELECT sign_count FROM passkeys")).containsExactly("6");

      // a copy of the key, behind the original: its counter is not past the last one seen
      key.counter(2);
      Resp cloned = signIn(s, key.get(signInOptions(s), ORIGIN));
      assertThat(cloned.status()).isEqualTo(401);
      assertThat(cloned.code()).isEqualTo("invalid_credentials");
      assertThat(events(s, token, "passkey_failed")).anyMatch(e -> e.contains("counter_went_back"));
      assertThat(s.column("SELECT sign_count FROM passkeys")).containsExactly("6");
    }
  }

  @Test
  void a_passkey_stands_in_for_the_code_of_the_two_step_sign_in() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      SoftwareAuthenticator key = new SoftwareAuthenticator();
      assertThat(register(s, token, key, "laptop", ORIGIN).status()).isEqualTo(201);
      // a passkey alone does not turn two-step sign-in on
      assertThat(s.post("/api/v1/sessions", obj("email", ADA, "password", PASSWORD)).status())
          .isEqualTo(201);

      String secret =
          s.call("POST", "/api/v1/me/totp", obj("current_password", PASSWORD), token)
              .text("secret");
      assertThat(
              s.call(
                      "POST",
                      "/api/v1/me/totp/confirm",
                      obj("code", TotpCodes.at(secret, s.clock.instant())),
                      token)
                  .status())
          .isEqualTo(200);
      Resp first = s.post("/api/v1/sessions", obj("email", ADA, "password", PASSWORD));
      assertThat(first.status()).isEqualTo(202);
      assertThat(first.json().path("factors").toString())
          .isEqualTo("[\"totp\",\"recovery_code\",\"passkey\"]");

      // another account's passkey is no second factor of this one
      s.register("bob@example.org");
      SoftwareAuthenticator bobs = new SoftwareAuthenticator();
      assertThat(register(s, s.accessToken("bob@example.org"), bobs, "bob's", ORIGIN).status())
          .isEqualTo(201);
      Resp wrong =
          s.post(
              "/api/v1/sessions/mfa",
              obj(
                  "challenge",
                  first.text("challenge"),
                  "passkey",
                  bobs.get(signInOptions(s), ORIGIN)));
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(wrong.code()).isEqualTo("invalid_code");

      Resp done =
          s.post(
              "/api/v1/sessions/mfa",
              obj(
                  "challenge",
                  first.text("challenge"),
                  "passkey",
                  key.get(signInOptions(s), ORIGIN)));
      assertThat(done.status()).as(done.toString()).isEqualTo(201);
      assertThat(done.json().path("session").path("amr").toString())
          .isEqualTo("[\"pwd\",\"hwk\",\"mfa\"]");
      assertThat(
              s.post(
                      "/api/v1/sessions/mfa",
                      obj(
                          "challenge",
                          first.text("challenge"),
                          "code",
                          "123456",
                          "passkey",
                          key.get(signInOptions(s), ORIGIN)))
                  .code())
          .isEqualTo("validation_failed");

      // signing in with the passkey alone skips the code: it verified its user
      assertThat(signIn(s, key.get(signInOptions(s), ORIGIN)).status()).isEqualTo(201);

      // an admin's reset of the factors (a lost phone) takes the passkeys too
      String admin = s.adminToken("root@example.org");
      String id = done.json().path("user").path("id").asText();
      assertThat(s.call("DELETE", "/api/v1/users/" + id + "/second-factors", null, admin).status())
          .isEqualTo(204);
      assertThat(s.column("SELECT name FROM passkeys WHERE user_id = ?", id)).isEmpty();
      assertThat(signIn(s, key.get(signInOptions(s), ORIGIN)).code())
          .isEqualTo("invalid_credentials");
    }
  }

  @Test
  void adding_or_removing_a_passkey_needs_a_recent_proof_once_a_second_factor_is_on() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register(ADA);
      String token = s.accessToken(ADA);
      SoftwareAuthenticator key = new SoftwareAuthenticator();
      String id = register(s, token, key, "laptop", ORIGIN).text("id");
      String secret =
          s.call("POST", "/api/v1/me/totp", obj("current_password", PASSWORD), token)
              .text("secret");
      s.call(
          "POST",
          "/api/v1/me/totp/confirm",
          obj("code", TotpCodes.at(secret, s.clock.instant())),
          token);

      s.clock.advance(Duration.ofMinutes(10));
      Resp options = s.call("POST", "/api/v1/me/passkeys/options", null, token);
      assertThat(options.status()).isEqualTo(403);
      assertThat(options.code()).isEqualTo("reauthentication_required");
      assertThat(s.call("DELETE", "/api/v1/me/passkeys/" + id, null, token).code())
          .isEqualTo("reauthentication_required");
      // renaming changes no way in
      assertThat(
              s.call("PATCH", "/api/v1/me/passkeys/" + id, obj("name", "old laptop"), token)
                  .status())
          .isEqualTo(200);

      // the passkey itself is a fresh proof
      Resp reauth =
          s.call(
              "POST",
              "/api/v1/sessions/current/reauthenticate",
              obj("passkey", key.get(signInOptions(s), ORIGIN)),
              token);
      assertThat(reauth.status()).as(reauth.toString()).isEqualTo(204);
      assertThat(s.call("DELETE", "/api/v1/me/passkeys/" + id, null, token).status())
          .isEqualTo(204);

      // and an API key manages no passkeys at all
      String apiKey = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), token).text("key");
      assertThat(s.get("/api/v1/me/passkeys", apiKey).code()).isEqualTo("forbidden");
      assertThat(s.call("POST", "/api/v1/me/passkeys/options", null, apiKey).code())
          .isEqualTo("forbidden");
    }
  }
}
