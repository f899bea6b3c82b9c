package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.OrganizationTest.add;
import static org.userman.server.OrganizationTest.claims;
import static org.userman.server.OrganizationTest.createId;
import static org.userman.server.OrganizationTest.token;
import static org.userman.server.OrganizationTest.userId;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.TotpCodes;

/**
 * A sign-in or refresh that names an organization: the access token carries {@code org_id} and
 * {@code org_roles}, the session keeps acting in it, and a user who is no member is refused.
 */
class OrganizationTokenTest {

  private static Resp signIn(TestServer s, String email, String organization) {
    return s.post(
        "/api/v1/sessions",
        organization == null
            ? obj("email", email, "password", PASSWORD)
            : obj("email", email, "password", PASSWORD, "organization", organization));
  }

  private static Resp refresh(TestServer s, String refreshToken, String organization) {
    return s.post(
        "/api/v1/sessions/refresh",
        organization == null
            ? obj("refresh_token", refreshToken)
            : obj("refresh_token", refreshToken, "organization", organization));
  }

  @Test
  void a_sign_in_into_an_organization_gives_tokens_with_its_id_and_the_users_roles_there()
      throws Exception {
    try (TestServer s = TestServer.start()) {
      String root = s.adminToken("root@example.org");
      String owner = token(s, "owner@example.org");
      String ada = token(s, "ada@example.org");
      String org = createId(s, owner, "Acme");
      String other = createId(s, owner, "Other");
      add(s, root, org, userId(s, ada), "member", "billing");

      Resp in = signIn(s, "ada@example.org", org);
      assertThat(in.status()).as(in.raw()).isEqualTo(201);
      JsonNode claims = claims(in.text("access_token"));
      assertThat(claims.path("org_id").asText()).isEqualTo(org);
      assertThat(claims.path("org_roles").toString()).isEqualTo("[\"billing\",\"member\"]");
      assertThat(claims.path("sub").asText()).isEqualTo(userId(s, ada));
      // the token works on the API like any other
      assertThat(s.get("/api/v1/organizations/" + org, in.text("access_token")).status())
          .isEqualTo(200);
      JsonNode login =
          s.get("/api/v1/audit-events?type=login_succeeded&user_id=" + userId(s, ada), root)
              .json()
              .path("items")
              .get(0);
      assertThat(login.path("details").path("organization_id").asText()).isEqualTo(org);

      // without an organization, none
      assertThat(claims(signIn(s, "ada@example.org", null).text("access_token")).has("org_id"))
          .isFalse();

      // an organization the user is no member of, or none at all, is refused alike: 403 after
      // the right password, 401 before it
      for (String bad : new String[] {other, "0190aaaa-0000-7000-8000-000000000000", "nope"}) {
        Resp refused = signIn(s, "ada@example.org", bad);
        assertThat(refused.status()).as(bad).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("not_a_member");
      }
      Resp wrong =
          s.post(
              "/api/v1/sessions",
              obj("email", "ada@example.org", "password", "wrong password!", "organization", org));
      assertThat(wrong.status()).isEqualTo(401);
      // a refused sign-in leaves no session behind: the first, the two above and this one
      String plain = signIn(s, "ada@example.org", null).text("access_token");
      assertThat(s.get("/api/v1/sessions", plain).json().path("items")).hasSize(4);
    }
  }

  @Test
  void a_refresh_keeps_the_organization_switches_it_and_follows_membership_changes()
      throws Exception {
    try (TestServer s = TestServer.start()) {
      String root = s.adminToken("root@example.org");
      String owner = token(s, "owner@example.org");
      String ada = token(s, "ada@example.org");
      String adaId = userId(s, ada);
      String org = createId(s, owner, "Acme");
      String second = createId(s, owner, "Second");
      String foreign = createId(s, owner, "Foreign");
      add(s, root, org, adaId, "member");
      add(s, root, second, adaId, "admin");

      Resp in = signIn(s, "ada@example.org", org);
      Resp kept = refresh(s, in.text("refresh_token"), null);
      assertThat(kept.status()).as(kept.raw()).isEqualTo(200);
      assertThat(claims(kept.text("access_token")).path("org_id").asText()).isEqualTo(org);

      // roles changed: the next refresh carries the new ones
      add(s, root, org, adaId, "member", "support");
      Resp changed = refresh(s, kept.text("refresh_token"), null);
      assertThat(claims(changed.text("access_token")).path("org_roles").toString())
          .isEqualTo("[\"member\",\"support\"]");

      // another organization: refused, and the refresh token is not spent by the refusal
      Resp refused = refresh(s, changed.text("refresh_token"), foreign);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.code()).isEqualTo("not_a_member");
      Resp switched = refresh(s, changed.text("refresh_token"), second);
      assertThat(switched.status()).as(switched.raw()).isEqualTo(200);
      JsonNode now = claims(switched.text("access_token"));
      assertThat(now.path("org_id").asText()).isEqualTo(second);
      assertThat(now.path("org_roles").toString()).isEqualTo("[\"admin\"]");
      Resp stays = refresh(s, switched.text("refresh_token"), null);
      assertThat(claims(stays.text("access_token")).path("org_id").asText()).isEqualTo(second);

      // removed from it: the session goes on in no organization
      assertThat(
              s.call("DELETE", "/api/v1/organizations/" + second + "/members/" + adaId, null, owner)
                  .status())
          .isEqualTo(204);
      Resp left = refresh(s, stays.text("refresh_token"), null);
      assertThat(left.status()).isEqualTo(200);
      assertThat(claims(left.text("access_token")).has("org_id")).isFalse();
      Resp still = refresh(s, left.text("refresh_token"), null);
      assertThat(claims(still.text("access_token")).has("org_id")).isFalse();

      // and an organization deleted alike
      Resp back = refresh(s, still.text("refresh_token"), org);
      assertThat(claims(back.text("access_token")).path("org_id").asText()).isEqualTo(org);
      assertThat(s.call("DELETE", "/api/v1/organizations/" + org, null, owner).status())
          .isEqualTo(204);
      Resp gone = refresh(s, back.text("refresh_token"), null);
      assertThat(claims(gone.text("access_token")).has("org_id")).isFalse();
    }
  }

  @Test
  void a_sign_in_that_waits_for_its_second_factor_keeps_the_organization_for_the_second_step()
      throws Exception {
    try (TestServer s = TestServer.start()) {
      String owner = token(s, "owner@example.org");
      String org = createId(s, owner, "Acme");
      Resp begun = s.call("POST", "/api/v1/me/totp", obj("current_password", PASSWORD), owner);
      String secret = begun.text("secret");
      Resp confirmed =
          s.call(
              "POST",
              "/api/v1/me/totp/confirm",
              obj("code", TotpCodes.at(secret, s.clock.instant())),
              owner);
      assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
      s.clock.advance(java.time.Duration.ofSeconds(30));

      Resp first = signIn(s, "owner@example.org", org);
      assertThat(first.status()).as(first.raw()).isEqualTo(202);
      Resp second =
          s.post(
              "/api/v1/sessions/mfa",
              obj(
                  "challenge",
                  first.text("challenge"),
                  "code",
                  TotpCodes.at(secret, s.clock.instant())));
      assertThat(second.status()).as(second.raw()).isEqualTo(201);
      JsonNode claims = claims(second.text("access_token"));
      assertThat(claims.path("org_id").asText()).isEqualTo(org);
      assertThat(claims.path("org_roles").toString()).isEqualTo("[\"owner\"]");

      // and no challenge at all for an organization the user is no member of
      Resp refused = signIn(s, "owner@example.org", "0190aaaa-0000-7000-8000-000000000000");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.code()).isEqualTo("not_a_member");
      assertThat(refused.json().has("challenge")).isFalse();
    }
  }
}
