package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Roles as data: admins create, list and delete them; a user holds only roles that exist; a role
 * users hold is deleted only by force, which takes it from them, audited; admin is built in.
 */
class RoleTest {

  private static Resp create(TestServer s, String admin, String name, String description) {
    return s.call(
        "POST",
        "/api/v1/roles",
        description == null ? obj("name", name) : obj("name", name, "description", description),
        admin);
  }

  private static List<String> names(JsonNode page) {
    return page.path("items").findValuesAsText("name");
  }

  @Test
  void admins_create_list_page_and_delete_roles_and_each_change_is_audited() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");

      Resp created = create(s, admin, "support", "Answers the customers' questions");
      assertThat(created.status()).as(created.raw()).isEqualTo(201);
      assertThat(created.text("name")).isEqualTo("support");
      assertThat(created.text("description")).isEqualTo("Answers the customers' questions");
      assertThat(created.json().path("built_in").asBoolean()).isFalse();
      assertThat(created.json().path("user_count").asLong()).isZero();
      assertThat(created.text("created_at")).isEqualTo("2026-11-22T10:00:00Z");
      assertThat(create(s, admin, "billing:read", null).status()).isEqualTo(201);

      Resp again = create(s, admin, "support", "twice");
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.code()).isEqualTo("role_taken");

      Resp all = s.get("/api/v1/roles", admin);
      assertThat(all.status()).isEqualTo(200);
      assertThat(names(all.json())).containsExactly("admin", "billing:read", "support");
      assertThat(all.json().path("next_cursor").isNull()).isTrue();
      JsonNode adminRole = all.json().path("items").get(0);
      assertThat(adminRole.path("built_in").asBoolean()).isTrue();
      assertThat(adminRole.path("user_count").asLong()).isEqualTo(1);

      Resp first = s.get("/api/v1/roles?limit=2", admin);
      assertThat(names(first.json())).containsExactly("admin", "billing:read");
      String cursor = first.text("next_cursor");
      assertThat(cursor).isNotNull();
      Resp second = s.get("/api/v1/roles?limit=2&cursor=" + cursor, admin);
      assertThat(second.status()).as(second.raw()).isEqualTo(200);
      assertThat(names(second.json())).containsExactly("support");
      assertThat(second.json().path("next_cursor").isNull()).isTrue();
      assertThat(s.get("/api/v1/roles?cursor=bm8gc3BhY2Vz", admin).status()).isEqualTo(400);

      assertThat(s.get("/api/v1/roles/support", admin).text("description"))
          .isEqualTo("Answers the customers' questions");
      assertThat(s.call("DELETE", "/api/v1/roles/support", null, admin).status()).isEqualTo(204);
      assertThat(s.get("/api/v1/roles/support", admin).code()).isEqualTo("not_found");
      assertThat(s.call("DELETE", "/api/v1/roles/support", null, admin).status()).isEqualTo(404);
      assertThat(names(s.get("/api/v1/roles", admin).json()))
          .containsExactly("admin", "billing:read");

      JsonNode events = s.get("/api/v1/audit-events?type=role_created", admin).json();
      assertThat(events.path("items")).hasSize(2);
      assertThat(events.path("items").findValues("details"))
          .extracting(d -> d.path("role").asText())
          .containsExactlyInAnyOrder("support", "billing:read");
      JsonNode deleted =
          s.get("/api/v1/audit-events?type=role_deleted", admin).json().path("items").get(0);
      assertThat(deleted.path("details").path("role").asText()).isEqualTo("support");
      assertThat(deleted.path("details").path("unassigned").asText()).isEqualTo("0");
      assertThat(deleted.path("actor_id").asText())
          .isEqualTo(s.get("/api/v1/me", admin).text("id"));
    }
  }

  @Test
  void names_descriptions_and_fields_are_checked() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      for (String bad :
          new String[] {"Support", "no spaces", "no/slash", "-lead", "", "a".repeat(65)}) {
        Resp r = create(s, admin, bad, null);
        assertThat(r.status()).as(bad).isEqualTo(400);
        assertThat(r.code()).isEqualTo("validation_failed");
        assertThat(r.json().path("errors").get(0).path("field").asText()).isEqualTo("name");
      }
      Resp missing = s.call("POST", "/api/v1/roles", obj("description", "no name"), admin);
      assertThat(missing.json().path("errors").get(0).path("code").asText()).isEqualTo("required");
      Resp tooLong = create(s, admin, "ops", "x".repeat(201));
      assertThat(tooLong.json().path("errors").get(0).path("code").asText()).isEqualTo("too_long");
      Resp control = create(s, admin, "ops", "line\nbreak");
      assertThat(control.status()).isEqualTo(400);
      Resp unknownField = s.call("POST", "/api/v1/roles", obj("name", "ops", "color", 1), admin);
      assertThat(unknownField.status()).isEqualTo(400);
      assertThat(create(s, admin, "ops", "x".repeat(200)).status()).isEqualTo(201);
      assertThat(s.get("/api/v1/roles/No%20Such", admin).status()).isEqualTo(404);
      Resp badForce = s.call("DELETE", "/api/v1/roles/ops?force=maybe", null, admin);
      assertThat(badForce.status()).isEqualTo(400);
      assertThat(s.get("/api/v1/roles/ops", admin).status()).isEqualTo(200);
    }
  }

  @Test
  void the_admin_role_is_built_in_and_cannot_be_deleted_even_by_force() {
    try (TestServer s = TestServer.start()) {
      String admin = s.adminToken("root@example.org");
      for (String path : new String[] {"/api/v1/roles/admin", "/api/v1/roles/admin?force=true"}) {
        Resp r = s.call("DELETE", path, null, admin);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.code()).isEqualTo("built_in_role");
      }
      assertThat(s.get("/api/v1/roles/admin", admin).json().path("user_count").asLong())
          .isEqualTo(1);
      assertThat(s.get("/api/v1/users", admin).status()).isEqualTo(200);
    }
  }

  @Test
  void a_role_users_hold_is_deleted_only_by_force_which_takes_it_from_each_of_them_audited() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      String adminId = s.get("/api/v1/me", admin).text("id");
      create(s, admin, "support", null);
      create(s, admin, "billing", null);
      String ada = s.register("ada@example.org").path("id").asText();
      String bob = s.register("bob@example.org").path("id").asText();
      String eve = s.register("eve@example.org").path("id").asText();
      assertThat(patchRoles(s, admin, ada, "support", "billing").status()).isEqualTo(200);
      assertThat(patchRoles(s, admin, bob, "support").status()).isEqualTo(200);
      assertThat(patchRoles(s, admin, eve, "billing").status()).isEqualTo(200);
      assertThat(s.get("/api/v1/roles/support", admin).json().path("user_count").asLong())
          .isEqualTo(2);

      Resp refused = s.call("DELETE", "/api/v1/roles/support", null, admin);
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.code()).isEqualTo("role_in_use");
      assertThat(refused.text("detail"))
          .contains("2 users or service accounts hold the role 'support'", "force=true");
      assertThat(roles(s, admin, ada)).containsExactly("billing", "support");
      assertThat(s.get("/api/v1/roles/support", admin).status()).isEqualTo(200);

      Resp forced = s.call("DELETE", "/api/v1/roles/support?force=true", null, admin);
      assertThat(forced.status()).isEqualTo(204);
      assertThat(roles(s, admin, ada)).containsExactly("billing");
      assertThat(roles(s, admin, bob)).isEmpty();
      assertThat(roles(s, admin, eve)).containsExactly("billing");
      assertThat(s.get("/api/v1/roles/support", admin).status()).isEqualTo(404);
      assertThat(s.get("/api/v1/users?role=support", admin).json().path("items")).isEmpty();

      JsonNode deleted =
          s.get("/api/v1/audit-events?type=role_deleted", admin).json().path("items").get(0);
      assertThat(deleted.path("details").path("role").asText()).isEqualTo("support");
      assertThat(deleted.path("details").path("unassigned").asText()).isEqualTo("2");
      assertThat(deleted.path("actor_id").asText()).isEqualTo(adminId);
      JsonNode adaChange =
          s.get("/api/v1/audit-events?type=roles_changed&user_id=" + ada, admin)
              .json()
              .path("items")
              .get(0);
      assertThat(adaChange.path("details").path("roles").asText()).isEqualTo("billing");
      assertThat(adaChange.path("details").path("previous_roles").asText())
          .isEqualTo("billing,support");
      assertThat(adaChange.path("details").path("role_deleted").asText()).isEqualTo("support");
      assertThat(adaChange.path("actor_id").asText()).isEqualTo(adminId);
      JsonNode bobChange =
          s.get("/api/v1/audit-events?type=roles_changed&user_id=" + bob, admin)
              .json()
              .path("items")
              .get(0);
      assertThat(bobChange.path("details").path("roles").asText()).isEmpty();
      assertThat(
              s.get("/api/v1/audit-events?type=roles_changed&user_id=" + eve, admin)
                  .json()
                  .path("items"))
          .hasSize(1); // only the admin's own assignment: eve never held support

      // the role can be made again, and is then empty
      assertThat(create(s, admin, "support", null).json().path("user_count").asLong()).isZero();
    }
  }

  @Test
  void assigning_a_role_that_does_not_exist_is_refused_naming_it() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      create(s, admin, "support", null);
      String ada = s.register("ada@example.org").path("id").asText();

      Resp patched = patchRoles(s, admin, ada, "support", "ghost");
      assertThat(patched.status()).isEqualTo(400);
      assertThat(patched.code()).isEqualTo("validation_failed");
      JsonNode error = patched.json().path("errors").get(0);
      assertThat(error.path("field").asText()).isEqualTo("roles");
      assertThat(error.path("code").asText()).isEqualTo("unknown_role");
      assertThat(error.path("message").asText()).contains("'ghost'");
      assertThat(patched.json().path("errors")).hasSize(1);
      assertThat(roles(s, admin, ada)).isEmpty();

      Resp createdUser =
          s.call(
              "POST",
              "/api/v1/users",
              obj("email", "bob@example.org", "password", PASSWORD, "roles", List.of("ghost")),
              admin);
      assertThat(createdUser.status()).isEqualTo(400);
      assertThat(createdUser.json().path("errors").get(0).path("code").asText())
          .isEqualTo("unknown_role");
      assertThat(s.get("/api/v1/users?prefix=bob", admin).json().path("items")).isEmpty();

      // A role held already stays assignable, should it be missing from the roles (a node of the
      // previous version assigned it during a rolling upgrade): only new ones must exist.
      s.execute("INSERT INTO user_roles (user_id, role) VALUES (?, 'legacy')", ada);
      assertThat(patchRoles(s, admin, ada, "legacy", "support").status()).isEqualTo(200);
      assertThat(roles(s, admin, ada)).containsExactly("legacy", "support");
    }
  }

  @Test
  void only_admins_reach_the_roles() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.adminToken("root@example.org");
      s.register("ada@example.org");
      String user = s.accessToken("ada@example.org");
      for (String[] call :
          new String[][] {
            {"GET", "/api/v1/roles"},
            {"POST", "/api/v1/roles"},
            {"GET", "/api/v1/roles/admin"},
            {"DELETE", "/api/v1/roles/admin"}
          }) {
        Resp asUser =
            s.call(call[0], call[1], call[0].equals("POST") ? obj("name", "mine") : null, user);
        assertThat(asUser.status()).as(call[0] + " " + call[1]).isEqualTo(403);
        assertThat(asUser.code()).isEqualTo("forbidden");
        Resp anonymous =
            s.call(call[0], call[1], call[0].equals("POST") ? obj("name", "mine") : null, null);
        assertThat(anonymous.status()).as(call[0] + " " + call[1]).isEqualTo(401);
      }
      assertThat(s.userman().roles().list(10, null).items()).hasSize(1);
    }
  }

  private static Resp patchRoles(TestServer s, String admin, String userId, String... roles) {
    return s.call("PATCH", "/api/v1/users/" + userId, obj("roles", List.of(roles)), admin);
  }

  private static List<String> roles(TestServer s, String admin, String userId) {
    List<String> out = new ArrayList<>();
    s.get("/api/v1/users/" + userId, admin).json().path("roles").forEach(r -> out.add(r.asText()));
    return out;
  }
}
