package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/** GET /api/v1/users/{id}/profile: what any signed-in user sees of another. */
class PublicProfileTest {
  @Test
  void a_signed_in_user_sees_the_id_username_name_and_only_the_public_attributes() {
    try (TestServer s = TestServer.start("USERMAN_PROFILE_PUBLIC_ATTRIBUTES=team, avatar")) {
      JsonNode ada = s.registerActive("ada@example.org");
      String adaToken = s.accessToken("ada@example.org");
      Resp patched =
          s.call(
              "PATCH",
              "/api/v1/me",
              obj(
                  "username",
                  "ada",
                  "name",
                  "Ada",
                  "attributes",
                  obj("team", "engines", "phone", "+44 20 0000 0000")),
              adaToken);
      assertThat(patched.status()).isEqualTo(200);
      s.registerActive("bob@example.org");
      String bob = s.accessToken("bob@example.org");

      Resp profile = s.get("/api/v1/users/" + ada.path("id").asText() + "/profile", bob);

      assertThat(profile.status()).isEqualTo(200);
      assertThat(profile.json().path("id").asText()).isEqualTo(ada.path("id").asText());
      assertThat(profile.json().path("username").asText()).isEqualTo("ada");
      assertThat(profile.json().path("name").asText()).isEqualTo("Ada");
      assertThat(profile.json().path("attributes").toString()).isEqualTo("{\"team\":\"engines\"}");
      assertThat(profile.json().has("email")).isFalse();
      assertThat(profile.json().has("roles")).isFalse();
      // the full record stays for admins
      assertThat(s.get("/api/v1/users/" + ada.path("id").asText(), bob).status()).isEqualTo(403);
    }
  }

  @Test
  void no_profile_without_a_sign_in_nor_of_an_unknown_or_inactive_user() {
    try (TestServer s = TestServer.start()) {
      JsonNode ada = s.registerActive("ada@example.org");
      JsonNode pending = s.register("pending@example.org");
      s.registerActive("bob@example.org");
      String bob = s.accessToken("bob@example.org");
      String adaProfile = "/api/v1/users/" + ada.path("id").asText() + "/profile";

      assertThat(s.get(adaProfile, null).status()).isEqualTo(401);
      assertThat(s.get(adaProfile, bob).json().path("attributes").toString()).isEqualTo("{}");
      Resp unknown = s.get("/api/v1/users/0190c0de-0000-7000-8000-000000000000/profile", bob);
      Resp inactive = s.get("/api/v1/users/" + pending.path("id").asText() + "/profile", bob);
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(inactive.status()).isEqualTo(404);
      assertThat(inactive.json().path("detail")).isEqualTo(unknown.json().path("detail"));
    }
  }

  @Test
  void a_member_of_an_organization_is_seen_only_by_those_who_share_one() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      String adaId = s.registerActive("ada@example.org").path("id").asText();
      String bobId = s.registerActive("bob@example.org").path("id").asText();
      String carolId = s.registerActive("carol@example.org").path("id").asText();
      String ada = s.accessToken("ada@example.org");
      String bob = s.accessToken("bob@example.org");
      Resp org = s.call("POST", "/api/v1/organizations", obj("name", "Acme"), ada);
      assertThat(org.status()).as(org.raw()).isEqualTo(201);

      String adaProfile = "/api/v1/users/" + adaId + "/profile";
      Resp hidden = s.get(adaProfile, bob);
      assertThat(hidden.status()).isEqualTo(404);
      assertThat(hidden.code()).isEqualTo("not_found");
      // someone in no organization stays seen by everyone signed in
      assertThat(s.get("/api/v1/users/" + carolId + "/profile", bob).status()).isEqualTo(200);
      assertThat(s.get(adaProfile, ada).status()).isEqualTo(200);
      assertThat(s.get(adaProfile, admin).status()).isEqualTo(200);

      Resp added =
          s.call(
              "PUT",
              "/api/v1/organizations/" + org.text("id") + "/members/" + bobId,
              obj("roles", java.util.List.of("member")),
              admin);
      assertThat(added.status()).as(added.raw()).isEqualTo(200);
      assertThat(s.get(adaProfile, bob).status()).isEqualTo(200);
    }
  }
}
