package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Organizations over HTTP: creating and managing them, their members and organization roles, the
 * isolation between organizations (404 for anything of another, filtered lists), and what instance
 * admins see.
 */
class OrganizationTest {

  static Resp create(TestServer s, String token, String name) {
    return s.call("POST", "/api/v1/organizations", obj("name", name), token);
  }

  static String createId(TestServer s, String token, String name) {
    Resp r = create(s, token, name);
    assertThat(r.status()).as(r.raw()).isEqualTo(201);
    return r.text("id");
  }

  static String userId(TestServer s, String token) {
    return s.get("/api/v1/me", token).text("id");
  }

  /** Makes {@code userId} a member directly, as an instance admin does. */
  static void add(TestServer s, String admin, String org, String userId, String... roles) {
    Resp r =
        s.call(
            "PUT",
            "/api/v1/organizations/" + org + "/members/" + userId,
            obj("roles", List.of(roles)),
            admin);
    assertThat(r.status()).as(r.raw()).isEqualTo(200);
  }

  static List<String> ids(Resp page, String field) {
    return page.json().path("items").findValuesAsText(field);
  }

  static JsonNode claims(String jwt) throws Exception {
    String payload = jwt.split("\\.", -1)[1];
    return TestServer.JSON.readTree(
        new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
  }

  @Test
  void a_user_creates_an_organization_owns_it_renames_it_and_deletes_it_each_change_audited() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      s.registerActive("ada@example.org");
      String ada = s.accessToken("ada@example.org");
      String adaId = userId(s, ada);

      Resp created = create(s, ada, "Analytical Engines Ltd.");
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      assertThat(created.text("slug")).isEqualTo("analytical-engines-ltd");
      assertThat(created.json().path("member_count").asLong()).isEqualTo(1);
      assertThat(created.text("created_at")).isEqualTo("2026-11-22T10:00:00Z");
      String org = created.text("id");

      Resp sameName = create(s, ada, "Analytical Engines Ltd.");
      assertThat(sameName.status()).isEqualTo(201);
      assertThat(sameName.text("slug")).startsWith("analytical-engines-ltd-").hasSize(31);
      Resp takenSlug =
          s.call(
              "POST",
              "/api/v1/organizations",
              obj("name", "Other", "slug", "analytical-engines-ltd"),
              ada);
      assertThat(takenSlug.status()).isEqualTo(409);
      assertThat(takenSlug.code()).isEqualTo("slug_taken");

      Resp mine = s.get("/api/v1/me/organizations", ada);
      assertThat(mine.status()).isEqualTo(200);
      assertThat(ids(mine, "id")).containsExactly(org, sameName.text("id"));
      assertThat(mine.json().path("items").get(0).path("roles").get(0).asText()).isEqualTo("owner");
      Resp me = s.get("/api/v1/organizations/" + org + "/members/" + adaId, ada);
      assertThat(me.json().path("roles").toString()).isEqualTo("[\"owner\"]");
      assertThat(me.text("email")).isEqualTo("ada@example.org");

      Resp renamed =
          s.call(
              "PATCH",
              "/api/v1/organizations/" + org,
              obj("name", "Engines", "slug", "engines"),
              ada);
      assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
      assertThat(renamed.text("name")).isEqualTo("Engines");
      assertThat(s.get("/api/v1/organizations/" + org, ada).text("slug")).isEqualTo("engines");
      Resp clash =
          s.call(
              "PATCH", "/api/v1/organizations/" + sameName.text("id"), obj("slug", "engines"), ada);
      assertThat(clash.code()).isEqualTo("slug_taken");

      assertThat(s.call("DELETE", "/api/v1/organizations/" + org, null, ada).status())
          .isEqualTo(204);
      assertThat(s.get("/api/v1/organizations/" + org, ada).status()).isEqualTo(404);
      assertThat(s.get("/api/v1/me", ada).status()).as("the user stays").isEqualTo(200);

      for (String type :
          new String[] {"organization_created", "organization_updated", "organization_deleted"}) {
        JsonNode items = s.get("/api/v1/audit-events?type=" + type, admin).json().path("items");
        assertThat(items).as(type).isNotEmpty();
        assertThat(items.get(0).path("actor_id").asText()).isEqualTo(adaId);
      }
      JsonNode deleted =
          s.get("/api/v1/audit-events?type=organization_deleted", admin)
              .json()
              .path("items")
              .get(0);
      assertThat(deleted.path("details").path("organization_id").asText()).isEqualTo(org);
    }
  }

  @Test
  void names_slugs_roles_and_fields_are_checked() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      String ada = s.accessToken("ada@example.org");
      assertThat(s.call("POST", "/api/v1/organizations", obj(), ada).code())
          .isEqualTo("validation_failed");
      assertThat(create(s, ada, "  ").code()).isEqualTo("validation_failed");
      assertThat(create(s, ada, "x".repeat(201)).code()).isEqualTo("validation_failed");
      assertThat(create(s, ada, "line\nbreak").code()).isEqualTo("validation_failed");
      for (String slug : new String[] {"Upper", "-lead", "trail-", "no space", "a".repeat(65)}) {
        Resp r = s.call("POST", "/api/v1/organizations", obj("name", "N", "slug", slug), ada);
        assertThat(r.status()).as(slug).isEqualTo(400);
      }
      Resp unknown = s.call("POST", "/api/v1/organizations", obj("name", "N", "color", "red"), ada);
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(create(s, ada, "Ünïcödé  Café!").text("slug")).isEqualTo("unicode-cafe");
      assertThat(create(s, ada, "!!!").text("slug")).isEqualTo("org");
      assertThat(s.call("POST", "/api/v1/organizations", obj("name", "N"), null).status())
          .isEqualTo(401);

      String org = createId(s, ada, "Roles");
      String adaId = userId(s, ada);
      String member = "/api/v1/organizations/" + org + "/members/" + adaId;
      assertThat(s.call("PUT", member, obj("roles", List.of()), ada).code())
          .isEqualTo("validation_failed");
      assertThat(s.call("PUT", member, obj("roles", List.of("Bad Role")), ada).code())
          .isEqualTo("validation_failed");
      List<String> many = new java.util.ArrayList<>();
      for (int i = 0; i < 17; i++) {
        many.add("r" + i);
      }
      assertThat(s.call("PUT", member, obj("roles", many), ada).code())
          .isEqualTo("validation_failed");
      Resp custom = s.call("PUT", member, obj("roles", List.of("owner", "billing", "owner")), ada);
      assertThat(custom.status()).as(custom.raw()).isEqualTo(200);
      assertThat(custom.json().path("roles").toString()).isEqualTo("[\"billing\",\"owner\"]");
      assertThat(s.get("/api/v1/organizations?cursor=bm90LWFuLWlk", ada).status()).isEqualTo(400);
      assertThat(s.get("/api/v1/organizations?limit=0", ada).status()).isEqualTo(400);
    }
  }

  @Test
  void owners_and_admins_manage_members_and_the_last_owner_stays() {
    try (TestServer s = TestServer.start()) {
      String root = s.adminToken("root@example.org");
      String owner = token(s, "owner@example.org");
      String admin = token(s, "admin@example.org");
      String member = token(s, "member@example.org");
      String ownerId = userId(s, owner);
      String adminId = userId(s, admin);
      String memberId = userId(s, member);
      String org = createId(s, owner, "Acme");
      String base = "/api/v1/organizations/" + org + "/members/";

      // people join by invitation; an organization's owner cannot add a user by id
      Resp direct = s.call("PUT", base + memberId, obj("roles", List.of("member")), owner);
      assertThat(direct.status()).isEqualTo(404);
      add(s, root, org, adminId, "admin");
      add(s, root, org, memberId, "member");
      Resp nobody =
          s.call(
              "PUT",
              base + "0190aaaa-0000-7000-8000-000000000000",
              obj("roles", List.of("member")),
              root);
      assertThat(nobody.status()).isEqualTo(404);

      Resp page = s.get("/api/v1/organizations/" + org + "/members?limit=2", member);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().path("items")).hasSize(2);
      Resp rest =
          s.get(
              "/api/v1/organizations/"
                  + org
                  + "/members?limit=2&cursor="
                  + page.text("next_cursor"),
              member);
      assertThat(rest.json().path("items")).hasSize(1);
      assertThat(rest.json().path("next_cursor").isNull()).isTrue();

      // a member reads but does not manage
      assertThat(s.call("PUT", base + memberId, obj("roles", List.of("admin")), member).code())
          .isEqualTo("forbidden");
      assertThat(
              s.call("PATCH", "/api/v1/organizations/" + org, obj("name", "Mine"), member).code())
          .isEqualTo("forbidden");
      assertThat(s.call("DELETE", "/api/v1/organizations/" + org, null, admin).code())
          .isEqualTo("forbidden");

      // an admin manages members, but not owners, and makes no owners
      Resp billing =
          s.call("PUT", base + memberId, obj("roles", List.of("member", "billing")), admin);
      assertThat(billing.status()).as(billing.raw()).isEqualTo(200);
      assertThat(s.call("PUT", base + memberId, obj("roles", List.of("owner")), admin).code())
          .isEqualTo("forbidden");
      assertThat(s.call("PUT", base + ownerId, obj("roles", List.of("member")), admin).code())
          .isEqualTo("forbidden");
      assertThat(s.call("DELETE", base + ownerId, null, admin).code()).isEqualTo("forbidden");

      // the last owner is neither demoted nor removed, not even by themselves or an instance admin
      for (String who : new String[] {owner, root}) {
        Resp demote = s.call("PUT", base + ownerId, obj("roles", List.of("admin")), who);
        assertThat(demote.status()).isEqualTo(409);
        assertThat(demote.code()).isEqualTo("last_owner");
        assertThat(s.call("DELETE", base + ownerId, null, who).code()).isEqualTo("last_owner");
      }
      // with a second owner, the first may go
      assertThat(s.call("PUT", base + adminId, obj("roles", List.of("owner")), owner).status())
          .isEqualTo(200);
      assertThat(s.call("DELETE", base + ownerId, null, owner).status()).isEqualTo(204);
      assertThat(s.get(base + ownerId, admin).status()).isEqualTo(404);
      assertThat(s.get("/api/v1/organizations/" + org, owner).status()).isEqualTo(404);

      // any member leaves; a removed member finds the organization gone at the next request
      assertThat(s.call("DELETE", base + memberId, null, member).status()).isEqualTo(204);
      assertThat(s.get("/api/v1/organizations/" + org, member).status()).isEqualTo(404);
      assertThat(s.get("/api/v1/me/organizations", member).json().path("items")).isEmpty();

      JsonNode removed =
          s.get("/api/v1/audit-events?type=organization_member_removed", root).json();
      assertThat(removed.path("items").findValuesAsText("subject_id"))
          .containsExactlyInAnyOrder(ownerId, memberId);
      assertThat(
              s.get("/api/v1/audit-events?type=organization_member_updated", root)
                  .json()
                  .path("items"))
          .hasSize(2);
    }
  }

  static String token(TestServer s, String email) {
    s.registerActive(email);
    return s.accessToken(email);
  }

  /**
   * The isolation the issue asks for: a member of one organization gets 404 for anything of
   * another, on every route that takes an id, and never sees it in a list; an instance admin sees
   * everything.
   */
  @Test
  void a_member_of_one_organization_gets_404_for_everything_of_another_and_never_lists_it() {
    try (TestServer s = TestServer.start()) {
      String root = s.adminToken("root@example.org");
      String a = token(s, "a@example.org");
      String b = token(s, "b@example.org");
      String bMember = token(s, "b2@example.org");
      String aId = userId(s, a);
      String bId = userId(s, b);
      String b2Id = userId(s, bMember);
      String orgA = createId(s, a, "A");
      String orgB = createId(s, b, "B");
      add(s, root, orgB, b2Id, "member");
      Resp invited =
          s.call(
              "POST",
              "/api/v1/organizations/" + orgB + "/invitations",
              obj("email", "c@example.org"),
              b);
      assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
      String invitation = invited.text("id");
      String other = "/api/v1/organizations/" + orgB;

      List<Resp> answers =
          List.of(
              s.get(other, a),
              s.call("PATCH", other, obj("name", "Mine now"), a),
              s.call("DELETE", other, null, a),
              s.get(other + "/members", a),
              s.get(other + "/members/" + bId, a),
              s.get(other + "/members/" + aId, a),
              s.call("PUT", other + "/members/" + aId, obj("roles", List.of("owner")), a),
              s.call("PUT", other + "/members/" + bId, obj("roles", List.of("member")), a),
              s.call("DELETE", other + "/members/" + bId, null, a),
              s.call("DELETE", other + "/members/" + aId, null, a),
              s.call("POST", other + "/invitations", obj("email", "x@example.org"), a),
              s.get(other + "/invitations", a),
              s.call("DELETE", other + "/invitations/" + invitation, null, a),
              // the same routes with the caller's own organization and the other's ids
              s.get("/api/v1/organizations/" + orgA + "/members/" + bId, a),
              s.call("DELETE", "/api/v1/organizations/" + orgA + "/members/" + bId, null, a),
              s.call(
                  "PUT",
                  "/api/v1/organizations/" + orgA + "/members/" + bId,
                  obj("roles", List.of("member")),
                  a),
              s.call(
                  "DELETE",
                  "/api/v1/organizations/" + orgA + "/invitations/" + invitation,
                  null,
                  a),
              // and ids that exist nowhere or are no ids at all
              s.get("/api/v1/organizations/0190aaaa-0000-7000-8000-000000000000", a),
              s.get("/api/v1/organizations/not-an-id", a));
      for (Resp r : answers) {
        assertThat(r.status()).as(r.raw()).isEqualTo(404);
        assertThat(r.code()).isEqualTo("not_found");
      }
      // nothing changed in the other organization
      assertThat(s.get(other, b).text("name")).isEqualTo("B");
      assertThat(ids(s.get(other + "/members", b), "user_id")).containsExactlyInAnyOrder(bId, b2Id);
      assertThat(ids(s.get(other + "/invitations", b), "id")).containsExactly(invitation);
      assertThat(s.get("/api/v1/organizations/" + orgA + "/invitations", a).json().path("items"))
          .isEmpty();

      // lists are filtered
      assertThat(ids(s.get("/api/v1/organizations", a), "id")).containsExactly(orgA);
      assertThat(ids(s.get("/api/v1/me/organizations", a), "id")).containsExactly(orgA);
      assertThat(ids(s.get("/api/v1/organizations", bMember), "id")).containsExactly(orgB);
      assertThat(ids(s.get("/api/v1/organizations/" + orgA + "/members", a), "user_id"))
          .containsExactly(aId);

      // an instance admin sees and manages everything
      assertThat(ids(s.get("/api/v1/organizations", root), "id")).containsExactly(orgA, orgB);
      assertThat(ids(s.get("/api/v1/me/organizations", root), "id")).isEmpty();
      assertThat(s.get(other, root).status()).isEqualTo(200);
      assertThat(s.get(other + "/members/" + b2Id, root).status()).isEqualTo(200);
      assertThat(s.get(other + "/invitations", root).status()).isEqualTo(200);
      assertThat(s.call("DELETE", other + "/invitations/" + invitation, null, root).status())
          .isEqualTo(204);
      assertThat(s.call("DELETE", other, null, root).status()).isEqualTo(204);
      assertThat(s.get(other, b).status()).isEqualTo(404);
      assertThat(s.get("/api/v1/me", bMember).status()).as("users stay").isEqualTo(200);
      assertThat(s.get("/api/v1/users/" + b2Id, root).status()).isEqualTo(200);
    }
  }

  @Test
  void an_api_key_acts_for_its_user_and_an_anonymous_caller_is_refused() {
    try (TestServer s = TestServer.start()) {
      String a = token(s, "a@example.org");
      String org = createId(s, a, "A");
      Resp key = s.call("POST", "/api/v1/me/api-keys", obj("name", "ci"), a);
      assertThat(key.status()).as(key.raw()).isEqualTo(201);
      Resp viaKey =
          s.send("GET", "/api/v1/organizations/" + org, null, null, "X-API-Key", key.text("key"));
      assertThat(viaKey.status()).isEqualTo(200);
      for (String path :
          new String[] {
            "/api/v1/organizations", "/api/v1/organizations/" + org, "/api/v1/me/organizations"
          }) {
        assertThat(s.get(path, null).status()).as(path).isEqualTo(401);
      }
      assertThat(s.post("/api/v1/invitations/accept", obj("token", "x")).status()).isEqualTo(401);
    }
  }
}
