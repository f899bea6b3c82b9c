package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.OrganizationTest.add;
import static org.userman.server.OrganizationTest.createId;
import static org.userman.server.OrganizationTest.ids;
import static org.userman.server.OrganizationTest.token;
import static org.userman.server.OrganizationTest.userId;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Invitations by email: a mailed single-use link that the invitee, signed in with the verified
 * invited address, accepts; revoked, replaced and expired ones stop working.
 */
class InvitationTest {

  private static Resp invite(
      TestServer s, String token, String org, String email, String... roles) {
    return s.call(
        "POST",
        "/api/v1/organizations/" + org + "/invitations",
        roles.length == 0 ? obj("email", email) : obj("email", email, "roles", List.of(roles)),
        token);
  }

  private static Resp accept(TestServer s, String token, String invitation) {
    return s.call("POST", "/api/v1/invitations/accept", obj("token", invitation), token);
  }

  @Test
  void an_invitee_registers_and_accepts_the_mailed_invitation_once() {
    try (TestServer s = TestServer.start()) {
      String root = s.adminToken("root@example.org");
      String owner = token(s, "owner@example.org");
      String org = createId(s, owner, "Acme & Co");

      Resp invited = invite(s, owner, org, "Ada@Example.org", "member", "billing");
      assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
      assertThat(invited.json().has("token")).isFalse();
      assertThat(invited.text("email")).isEqualTo("Ada@Example.org");
      assertThat(invited.json().path("roles").toString()).isEqualTo("[\"billing\",\"member\"]");
      assertThat(invited.text("invited_by")).isEqualTo(userId(s, owner));
      assertThat(invited.text("expires_at")).isEqualTo("2026-11-29T10:00:00Z");

      List<String> mails = s.mailsTo("Ada@Example.org");
      assertThat(mails).hasSize(1);
      String mail = mails.get(0);
      assertThat(mail)
          .contains("Acme & Co")
          .contains("http://userman.test/invitations/accept?token=");
      assertThat(mail).contains("expires in 7 days");
      String token = TestServer.tokenIn(mail);
      // stored only as a hash
      assertThat(s.column("SELECT token_hash FROM organization_invitations")).doesNotContain(token);

      s.registerActive("ada@example.org");
      String ada = s.accessToken("ada@example.org");
      assertThat(s.get("/api/v1/organizations/" + org, ada).status()).isEqualTo(404);
      Resp joined = accept(s, ada, token);
      assertThat(joined.status()).as(joined.raw()).isEqualTo(200);
      assertThat(joined.text("id")).isEqualTo(org);
      assertThat(joined.json().path("roles").toString()).isEqualTo("[\"billing\",\"member\"]");
      assertThat(s.get("/api/v1/organizations/" + org, ada).status()).isEqualTo(200);
      assertThat(OrganizationTest.ids(s.get("/api/v1/me/organizations", ada), "id"))
          .containsExactly(org);

      Resp again = accept(s, ada, token);
      assertThat(again.status()).isEqualTo(400);
      assertThat(again.code()).isEqualTo("invalid_token");
      assertThat(s.get("/api/v1/organizations/" + org + "/invitations", owner).json().path("items"))
          .isEmpty();

      // now a member: inviting the address again is refused
      Resp member = invite(s, owner, org, "ada@example.org");
      assertThat(member.status()).isEqualTo(409);
      assertThat(member.code()).isEqualTo("already_member");

      for (String type :
          new String[] {"organization_invitation_sent", "organization_invitation_accepted"}) {
        assertThat(s.get("/api/v1/audit-events?type=" + type, root).json().path("items"))
            .as(type)
            .hasSize(1);
      }
      assertThat(
              s.get("/api/v1/audit-events?type=organization_invitation_accepted", root)
                  .json()
                  .path("items")
                  .get(0)
                  .path("subject_id")
                  .asText())
          .isEqualTo(userId(s, ada));
    }
  }

  @Test
  void only_the_verified_invited_address_accepts_and_revoked_replaced_or_expired_links_fail() {
    try (TestServer s = TestServer.start()) {
      String root = s.adminToken("root@example.org");
      String owner = token(s, "owner@example.org");
      String orgAdmin = token(s, "admin@example.org");
      String org = createId(s, owner, "Acme");
      add(s, root, org, userId(s, orgAdmin), "admin");
      String carol = token(s, "carol@example.org");
      // an account of the invited address whose address is not verified
      Resp unverified =
          s.call(
              "POST",
              "/api/v1/users",
              obj(
                  "email",
                  "bob@example.org",
                  "password",
                  PASSWORD,
                  "status",
                  "active",
                  "email_verified",
                  false),
              root);
      assertThat(unverified.status()).as(unverified.raw()).isEqualTo(201);
      String bob = s.accessToken("bob@example.org");

      // an organization admin invites, but no owners
      Resp owners = invite(s, orgAdmin, org, "bob@example.org", "owner");
      assertThat(owners.status()).isEqualTo(403);
      assertThat(invite(s, orgAdmin, org, "bob@example.org").status()).isEqualTo(201);
      String first = s.lastToken("bob@example.org");
      for (String who : new String[] {carol, bob}) {
        Resp mismatch = accept(s, who, first);
        assertThat(mismatch.status()).isEqualTo(403);
        assertThat(mismatch.code()).isEqualTo("invitation_mismatch");
      }

      // a newer invitation to the address replaces the older
      assertThat(invite(s, owner, org, "bob@example.org", "admin").status()).isEqualTo(201);
      String second = s.lastToken("bob@example.org");
      assertThat(second).isNotEqualTo(first);
      Resp pending = s.get("/api/v1/organizations/" + org + "/invitations", orgAdmin);
      assertThat(pending.json().path("items")).hasSize(1);
      assertThat(pending.json().path("items").get(0).path("roles").toString())
          .isEqualTo("[\"admin\"]");
      // members who are not admins do not see invitations
      String dave = token(s, "dave@example.org");
      add(s, root, org, userId(s, dave), "member");
      assertThat(s.get("/api/v1/organizations/" + org + "/invitations", dave).status())
          .isEqualTo(403);

      // revoked
      String id = pending.json().path("items").get(0).path("id").asText();
      assertThat(
              s.call(
                      "DELETE",
                      "/api/v1/organizations/" + org + "/invitations/" + id,
                      null,
                      orgAdmin)
                  .status())
          .isEqualTo(204);
      assertThat(
              s.call(
                      "DELETE",
                      "/api/v1/organizations/" + org + "/invitations/" + id,
                      null,
                      orgAdmin)
                  .status())
          .isEqualTo(404);
      assertThat(
              s.call("PATCH", "/api/v1/users/" + userId(s, bob), obj("email_verified", true), root)
                  .status())
          .isEqualTo(200);
      bob = s.accessToken("bob@example.org");
      assertThat(accept(s, bob, first).code()).isEqualTo("invalid_token");
      assertThat(accept(s, bob, second).code()).isEqualTo("invalid_token");

      // expired
      invite(s, owner, org, "bob@example.org");
      String third = s.lastToken("bob@example.org");
      s.clock.advance(Duration.ofDays(7).plusSeconds(1));
      // the access tokens of a week ago are long expired: sign in again
      bob = s.accessToken("bob@example.org");
      owner = s.accessToken("owner@example.org");
      carol = s.accessToken("carol@example.org");
      root = s.accessToken("root@example.org");
      assertThat(accept(s, bob, third).code()).isEqualTo("invalid_token");
      assertThat(s.get("/api/v1/organizations/" + org + "/invitations", owner).json().path("items"))
          .isEmpty();

      // and one in time works, for the now verified address
      invite(s, owner, org, "bob@example.org", "support");
      Resp joined = accept(s, bob, s.lastToken("bob@example.org"));
      assertThat(joined.status()).as(joined.raw()).isEqualTo(200);
      assertThat(joined.json().path("roles").toString()).isEqualTo("[\"support\"]");
      assertThat(ids(s.get("/api/v1/organizations/" + org + "/members", owner), "email"))
          .contains("bob@example.org");

      assertThat(accept(s, carol, "").status()).isEqualTo(400);
      assertThat(s.call("POST", "/api/v1/invitations/accept", obj(), carol).code())
          .isEqualTo("validation_failed");
      assertThat(invite(s, owner, org, "not an address").code()).isEqualTo("validation_failed");
      assertThat(
              s.get("/api/v1/audit-events?type=organization_invitation_revoked", root)
                  .json()
                  .path("items"))
          .hasSize(1);
    }
  }

  @Test
  void invitations_are_limited_per_sender_and_per_address() {
    try (TestServer s = TestServer.start()) {
      String owner = token(s, "owner@example.org");
      String org = createId(s, owner, "Acme");
      for (int i = 0; i < 5; i++) {
        assertThat(invite(s, owner, org, "target@example.org").status()).isEqualTo(201);
      }
      Resp sixth = invite(s, owner, org, "target@example.org");
      assertThat(sixth.status()).isEqualTo(429);
      assertThat(sixth.code()).isEqualTo("rate_limited");
      for (int i = 0; i < 14; i++) {
        assertThat(invite(s, owner, org, "person" + i + "@example.org").status()).isEqualTo(201);
      }
      // 20 asked for in the hour, the refused one too: the next is refused
      assertThat(invite(s, owner, org, "one-more@example.org").status()).isEqualTo(429);
    }
  }
}
