package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;
import org.userman.server.support.Visitor;

/**
 * The addresses a user held: listed with their dates, reserved for a while for the user who gave
 * them up, and theirs to take back.
 */
class EmailHistoryTest {
  private static final String START = "2026-11-22T10:00:00Z";

  /** Asks for {@code email} as the user's address and confirms it from the mail. */
  private static void changeEmail(TestServer s, String token, String email) {
    Resp asked =
        s.call(
            "POST", "/api/v1/me/email", obj("email", email, "current_password", PASSWORD), token);
    assertThat(asked.status()).as(asked.raw()).isEqualTo(202);
    Resp confirmed =
        s.post("/api/v1/email-verifications/confirm", obj("token", s.lastToken(email)));
    assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
  }

  private static List<String> emails(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("items").forEach(i -> out.add(i.path("email").asText()));
    return out;
  }

  private static void assertTaken(Resp r) {
    assertThat(r.status()).as(r.raw()).isEqualTo(409);
    assertThat(r.code()).isEqualTo("email_taken");
  }

  @Test
  void the_history_lists_the_current_address_then_those_given_up_newest_first() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      String token = s.accessToken("ada@example.org");
      s.clock.advance(Duration.ofMinutes(5));
      changeEmail(s, token, "ada.two@example.org");
      s.clock.advance(Duration.ofMinutes(5));
      changeEmail(s, token, "ada.three@example.org");

      Resp all = s.get("/api/v1/me/emails", token);

      assertThat(all.status()).isEqualTo(200);
      assertThat(emails(all.json()))
          .containsExactly("ada.three@example.org", "ada.two@example.org", "ada@example.org");
      JsonNode items = all.json().path("items");
      assertThat(items.get(0).path("current").asBoolean()).isTrue();
      assertThat(items.get(0).path("verified").asBoolean()).isTrue();
      assertThat(items.get(0).path("from").asText()).isEqualTo("2026-11-22T10:10:00Z");
      assertThat(items.get(0).path("until").isNull()).isTrue();
      assertThat(items.get(1).path("current").asBoolean()).isFalse();
      assertThat(items.get(1).path("from").asText()).isEqualTo("2026-11-22T10:05:00Z");
      assertThat(items.get(1).path("until").asText()).isEqualTo("2026-11-22T10:10:00Z");
      assertThat(items.get(2).path("verified").asBoolean()).isTrue();
      assertThat(items.get(2).path("from").asText()).isEqualTo(START);
      assertThat(items.get(2).path("until").asText()).isEqualTo("2026-11-22T10:05:00Z");
      assertThat(all.json().path("next_cursor").isNull()).isTrue();

      // one address a page, through the cursor
      List<String> paged = new ArrayList<>();
      String path = "/api/v1/me/emails?limit=1";
      for (int i = 0; i < 3; i++) {
        JsonNode page = s.get(path, token).json();
        paged.addAll(emails(page));
        String cursor =
            page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        if (i < 2) {
          assertThat(cursor).isNotNull();
          path = "/api/v1/me/emails?limit=1&cursor=" + cursor;
        } else {
          assertThat(cursor).isNull();
        }
      }
      assertThat(paged).isEqualTo(emails(all.json()));
      assertThat(s.get("/api/v1/me/emails?cursor=nope", token).code())
          .isEqualTo("validation_failed");
    }
  }

  @Test
  void a_given_up_address_answers_as_a_taken_one_until_the_reservation_ends() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      s.registerActive("bob@example.org");
      String admin = s.adminToken("root@example.org");
      String bobId = s.userman().accounts().findByEmail("bob@example.org").orElseThrow().id();
      changeEmail(s, s.accessToken("ada@example.org"), "ada.new@example.org");
      String bob = s.accessToken("bob@example.org");

      Resp inUse =
          s.post("/api/v1/users", obj("email", "ADA.NEW@example.org", "password", PASSWORD));
      Resp reserved =
          s.post("/api/v1/users", obj("email", "ADA@example.org", "password", PASSWORD));
      assertTaken(inUse);
      assertTaken(reserved);
      // as EnumerationTest asks of every answer: nothing in the body or headers tells them apart
      assertThat(reserved.raw()).isEqualTo(inUse.raw());
      assertThat(reserved.headers().map().keySet()).isEqualTo(inUse.headers().map().keySet());
      assertTaken(
          s.call(
              "POST",
              "/api/v1/me/email",
              obj("email", "ada@example.org", "current_password", PASSWORD),
              bob));
      assertTaken(
          s.call("PATCH", "/api/v1/users/" + bobId, obj("email", "ada@example.org"), admin));
      assertTaken(
          s.call(
              "POST",
              "/api/v1/users",
              obj("email", "ada@example.org", "password", PASSWORD, "name", "Not Ada"),
              admin));

      // the reservation ends 30 days (the default) after the change, and not before
      s.clock.advance(Duration.ofDays(30).minusMinutes(1));
      bob = s.accessToken("bob@example.org");
      assertTaken(
          s.call(
              "POST",
              "/api/v1/me/email",
              obj("email", "ada@example.org", "current_password", PASSWORD),
              bob));

      s.clock.advance(Duration.ofMinutes(2));
      Resp asked =
          s.call(
              "POST",
              "/api/v1/me/email",
              obj("email", "ada@example.org", "current_password", PASSWORD),
              bob);
      assertThat(asked.status()).as(asked.raw()).isEqualTo(202);
      Resp taken =
          s.post(
              "/api/v1/email-verifications/confirm", obj("token", s.lastToken("ada@example.org")));
      assertThat(taken.status()).as(taken.raw()).isEqualTo(200);
      assertThat(taken.text("email")).isEqualTo("ada@example.org");
      // Ada's history keeps the address she gave up, though it is Bob's now
      String adaId = s.userman().accounts().findByEmail("ada.new@example.org").orElseThrow().id();
      assertThat(
              emails(
                  s.get("/api/v1/users/" + adaId + "/emails", s.accessToken("root@example.org"))
                      .json()))
          .containsExactly("ada.new@example.org", "ada@example.org");
    }
  }

  @Test
  void a_confirmation_for_an_address_given_up_after_it_was_mailed_is_refused() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      s.registerActive("bob@example.org");
      String ada = s.accessToken("ada@example.org");
      String bob = s.accessToken("bob@example.org");
      // Bob asks for an address nobody holds yet; Ada takes it, then gives it up
      Resp asked =
          s.call(
              "POST",
              "/api/v1/me/email",
              obj("email", "shared@example.org", "current_password", PASSWORD),
              bob);
      assertThat(asked.status()).isEqualTo(202);
      String bobToken = s.lastToken("shared@example.org");
      changeEmail(s, ada, "shared@example.org");
      changeEmail(s, ada, "ada.again@example.org");

      assertTaken(s.post("/api/v1/email-verifications/confirm", obj("token", bobToken)));
      assertThat(s.get("/api/v1/me", bob).text("email")).isEqualTo("bob@example.org");
    }
  }

  @Test
  void the_former_owner_takes_a_previous_address_back_and_the_history_records_it() {
    try (TestServer s = TestServer.start()) {
      s.registerActive("ada@example.org");
      String admin = s.adminToken("root@example.org");
      String token = s.accessToken("ada@example.org");
      s.clock.advance(Duration.ofMinutes(5));
      changeEmail(s, token, "ada.new@example.org");
      s.clock.advance(Duration.ofMinutes(5));

      changeEmail(s, token, "Ada@example.org");

      assertThat(s.get("/api/v1/me", token).text("email")).isEqualTo("Ada@example.org");
      JsonNode items = s.get("/api/v1/me/emails", token).json().path("items");
      assertThat(emails(s.get("/api/v1/me/emails", token).json()))
          .containsExactly("Ada@example.org", "ada.new@example.org", "ada@example.org");
      assertThat(items.get(0).path("from").asText()).isEqualTo("2026-11-22T10:10:00Z");
      assertThat(items.get(0).path("current").asBoolean()).isTrue();
      assertThat(items.get(1).path("until").asText()).isEqualTo("2026-11-22T10:10:00Z");
      // the address she gave up this time is reserved for her in turn
      assertTaken(
          s.post("/api/v1/users", obj("email", "ada.new@example.org", "password", PASSWORD)));

      JsonNode changes =
          s.get("/api/v1/audit-events?type=email_changed", admin).json().path("items");
      assertThat(changes).hasSize(2);
      assertThat(changes.get(0).path("details").path("previous_address").asText())
          .isEqualTo("true");
      assertThat(changes.get(1).path("details").has("previous_address")).isFalse();
    }
  }

  @Test
  void an_admins_change_keeps_the_history_and_a_change_of_case_is_no_new_address() {
    try (TestServer s = TestServer.start()) {
      String id = s.registerActive("ada@example.org").path("id").asText();
      String admin = s.adminToken("root@example.org");
      assertThat(
              s.call("PATCH", "/api/v1/users/" + id, obj("email", "Ada@Example.org"), admin)
                  .status())
          .isEqualTo(200);
      assertThat(
              s.call("PATCH", "/api/v1/users/" + id, obj("email", "ada@elsewhere.org"), admin)
                  .status())
          .isEqualTo(200);

      JsonNode page = s.get("/api/v1/users/" + id + "/emails", admin).json();
      assertThat(emails(page)).containsExactly("ada@elsewhere.org", "Ada@Example.org");
      // an admin's change proves nothing about the address (a change of case neither, as before)
      assertThat(page.path("items").get(0).path("verified").asBoolean()).isFalse();
      assertThat(page.path("items").get(1).path("verified").asBoolean()).isFalse();
      assertThat(page.path("items").get(1).path("from").asText()).isEqualTo(START);
    }
  }

  @Test
  void only_the_user_and_admins_see_a_history_and_an_unknown_user_has_none() {
    try (TestServer s = TestServer.start()) {
      String id = s.registerActive("ada@example.org").path("id").asText();
      s.registerActive("bob@example.org");
      String admin = s.adminToken("root@example.org");
      String bob = s.accessToken("bob@example.org");
      String path = "/api/v1/users/" + id + "/emails";

      assertThat(s.get("/api/v1/me/emails", null).status()).isEqualTo(401);
      assertThat(s.get(path, null).status()).isEqualTo(401);
      assertThat(s.get(path, bob).status()).isEqualTo(403);
      assertThat(s.get(path, bob).code()).isEqualTo("forbidden");
      assertThat(s.get("/api/v1/users/0190c0de-0000-7000-8000-000000000000/emails", admin).status())
          .isEqualTo(404);
      assertThat(s.get("/api/v1/users/not-an-id/emails", admin).status()).isEqualTo(404);
      assertThat(emails(s.get(path, admin).json())).containsExactly("ada@example.org");
      assertThat(emails(s.get("/api/v1/me/emails", bob).json())).containsExactly("bob@example.org");
    }
  }

  @Test
  void deleting_a_user_frees_the_addresses_it_gave_up() {
    try (TestServer s = TestServer.start()) {
      String id = s.registerActive("ada@example.org").path("id").asText();
      String admin = s.adminToken("root@example.org");
      changeEmail(s, s.accessToken("ada@example.org"), "ada.new@example.org");
      assertTaken(s.post("/api/v1/users", obj("email", "ada@example.org", "password", PASSWORD)));

      assertThat(s.call("DELETE", "/api/v1/users/" + id, null, admin).status()).isEqualTo(204);

      assertThat(
              s.post("/api/v1/users", obj("email", "ada@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
      assertThat(
              s.post("/api/v1/users", obj("email", "ada.new@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
    }
  }

  @Test
  void the_admins_user_page_shows_the_addresses_the_user_held() {
    try (TestServer s = TestServer.start()) {
      String id = s.registerActive("ada@example.org").path("id").asText();
      s.adminToken("root@example.org");
      changeEmail(s, s.accessToken("ada@example.org"), "ada.new@example.org");
      Visitor admin = new Visitor(s, "");
      admin.post("/login", "login", "root@example.org", "password", PASSWORD);

      Resp page = admin.get("/admin/users/" + id);

      assertThat(page.status()).isEqualTo(200);
      assertThat(page.raw())
          .contains("Email addresses", "ada.new@example.org", "ada@example.org", "current");
    }
  }
}
