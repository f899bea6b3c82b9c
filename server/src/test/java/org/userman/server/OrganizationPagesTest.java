package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.Visitor;

/**
 * The organization pages: creating one from /account, managing its members and invitations, and
 * accepting a mailed invitation signed in; another organization's page is 404.
 */
class OrganizationPagesTest {

  @Test
  void an_owner_creates_an_organization_invites_and_the_invitee_joins_from_the_mailed_link() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("owner@example.org");
      Visitor owner = new Visitor(s, "").signIn("owner@example.org");
      assertThat(owner.get("/account").raw()).contains("You belong to no organization.");

      Resp created = owner.post("/account/organizations", "organization_name", "Acme <Labs>");
      assertThat(created.status()).as(created.raw()).isEqualTo(303);
      String page = created.header("Location");
      assertThat(page).startsWith("/account/organizations/");
      String org = page.substring("/account/organizations/".length());
      assertThat(owner.get("/account").raw()).contains("Acme &lt;Labs&gt;").contains(page);
      assertThat(owner.get(page).raw()).contains("owner@example.org").contains("No pending");

      Resp invited =
          owner.post(page + "/invitations", "email", "ada@example.org", "roles", "member, billing");
      assertThat(invited.header("Location")).isEqualTo(page + "?notice=invitation_sent");
      assertThat(owner.get(page).raw()).contains("ada@example.org").contains("billing member");
      String mail = s.mailsTo("ada@example.org").get(0);
      String token = TestServer.tokenIn(mail);
      String link = "/invitations/accept?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);

      // not signed in: to the sign-in page, and back to the link after it
      Visitor ada = new Visitor(s, "");
      Resp anonymous = ada.get(link);
      assertThat(anonymous.status()).isEqualTo(303);
      assertThat(anonymous.header("Location")).startsWith("/login?next=");

      s.registerActive("ada@example.org");
      ada.signIn("ada@example.org");
      Resp offer = ada.get(link);
      assertThat(offer.status()).isEqualTo(200);
      assertThat(offer.raw()).contains("Acme &lt;Labs&gt;").contains("billing, member");
      Resp joined = ada.post("/invitations/accept", "token", token);
      assertThat(joined.header("Location")).isEqualTo(page + "?notice=joined");
      assertThat(ada.get(page + "?notice=joined").raw())
          .contains("you are a member")
          .contains("your roles: billing, member")
          .doesNotContain("Send the");
      assertThat(ada.get(link).status()).as("spent").isEqualTo(400);

      // the owner changes ada's roles and removes her; ada's page is gone then
      String adaId = s.userman().accounts().findByEmail("ada@example.org").orElseThrow().id();
      Resp roles = owner.post(page + "/members/" + adaId + "/roles", "roles", "admin");
      assertThat(roles.header("Location")).isEqualTo(page + "?notice=member_saved");
      assertThat(s.userman().organizations().rolesOf(org, adaId).orElseThrow())
          .containsExactly("admin");
      Resp last = owner.post(page + "/members/" + userIdOf(s, "owner@example.org") + "/remove");
      assertThat(last.status()).as("the last owner stays").isEqualTo(409);
      assertThat(owner.post(page + "/members/" + adaId + "/remove").status()).isEqualTo(303);
      assertThat(ada.get(page).status()).isEqualTo(404);

      // another person's organization does not exist for ada
      s.registerActive("eve@example.org");
      String eve = s.accessToken("eve@example.org");
      String other = s.call("POST", "/api/v1/organizations", obj("name", "Eve's"), eve).text("id");
      assertThat(ada.get("/account/organizations/" + other).status()).isEqualTo(404);
      assertThat(
              ada.post("/account/organizations/" + other + "/invitations", "email", "x@example.org")
                  .status())
          .isEqualTo(404);
    }
  }

  private static String userIdOf(TestServer s, String email) {
    return s.userman().accounts().findByEmail(email).orElseThrow().id();
  }
}
