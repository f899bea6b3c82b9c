package org.userman.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.Userman;
import org.userman.UsermanConfig;
import org.userman.account.ImportFormat;
import org.userman.account.ImportOptions;
import org.userman.account.ImportProgress;
import org.userman.account.ImportSummary;
import org.userman.account.NewUser;
import org.userman.account.User;
import org.userman.account.UserPatch;
import org.userman.account.UserStatus;
import org.userman.apikey.CreatedApiKey;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.common.UsermanException;
import org.userman.password.HashParameters;
import org.userman.password.Password;
import org.userman.session.LoginResult;
import org.userman.store.internal.FreshDatabase;

/** Listeners of embedders hear every acknowledged change, after it commits, and nothing else. */
class EventsTest {
  private static final ClientInfo CLIENT = new ClientInfo("192.0.2.40", "events test");
  private static final Password PASSWORD = Password.of("analytical engine, 1837");
  private static final Password NEXT = Password.of("difference engine no. 2");

  @TempDir Path dataDir;
  private FreshDatabase fresh;
  private Userman userman;
  private final BlockingQueue<Event> heard = new LinkedBlockingQueue<>();

  @BeforeEach
  void open() {
    fresh = FreshDatabase.create();
    UsermanConfig config =
        UsermanConfig.embedded(dataDir, "https://accounts.example.org").toBuilder()
            .database(fresh.settings())
            .hashing(new HashParameters(8, 1, 1), true)
            .build();
    userman = Userman.open(config);
  }

  @AfterEach
  void close() {
    userman.close();
    fresh.close();
  }

  @Test
  void every_acknowledged_change_reaches_the_listener_in_commit_order() throws Exception {
    var unused = userman.events().subscribe(Set.of(), heard::add);
    User ada = create("ada@example.org");
    LoginResult login =
        userman.sessions().login("ada@example.org", null, PASSWORD, "laptop", CLIENT);
    Actor actor = new Actor(ada.id(), login.session().id(), CLIENT);
    CreatedApiKey key = userman.apiKeys().create(ada.id(), "ci", null, actor);
    userman.apiKeys().delete(ada.id(), key.apiKey().id(), actor);
    userman
        .accounts()
        .update(
            ada.id(),
            new UserPatch(null, null, null, false, "Ada King", null, null, null, null),
            Actor.COMMAND_LINE);
    userman
        .accounts()
        .update(
            ada.id(),
            new UserPatch(null, null, null, false, null, null, List.of("admin"), null, null),
            Actor.COMMAND_LINE);
    userman.accounts().changePassword(ada.id(), login.session().id(), PASSWORD, NEXT, actor);
    userman.sessions().revokeAll(ada.id(), Actor.COMMAND_LINE);
    create("bob@example.org");
    User bob = userman.accounts().findByEmail("bob@example.org").orElseThrow();
    userman
        .accounts()
        .update(
            bob.id(),
            new UserPatch(null, null, null, false, null, UserStatus.DISABLED, null, null, null),
            Actor.COMMAND_LINE);
    userman.accounts().delete(bob.id(), Actor.COMMAND_LINE);

    List<Event> events = take(11);
    assertThat(events)
        .extracting(e -> e.type().code())
        .containsExactly(
            "user.created",
            "session.created",
            "api_key.created",
            "api_key.revoked",
            "user.updated",
            "user.roles_changed",
            "password.changed",
            "session.revoked",
            "user.created",
            "user.status_changed",
            "user.deleted");
    assertThat(events.get(4).data()).containsEntry("changed_fields", List.of("name"));
    assertThat(events.get(5).data())
        .containsEntry("roles", List.of("admin"))
        .containsEntry("previous_roles", List.of());
    assertThat(events.get(9).data())
        .containsEntry("status", "disabled")
        .containsEntry("previous_status", "active");
    assertThat(events.get(1).data()).containsEntry("session_id", login.session().id());
    assertThat(events.get(2).actorId()).isEqualTo(ada.id());
    assertThat(events).allSatisfy(e -> assertThat(e.payload()).contains("\"id\":\"" + e.id()));
    assertThat(events)
        .as("no secret in any payload")
        .allSatisfy(
            e ->
                assertThat(e.payload())
                    .doesNotContain(key.key())
                    .doesNotContain(login.refreshToken())
                    .doesNotContain(login.accessToken())
                    .doesNotContain("engine")
                    .doesNotContain("$argon2"));
    assertThat(fresh.number("SELECT COUNT(*) FROM events")).isEqualTo(11L);
  }

  @Test
  void a_refused_change_has_no_event() throws Exception {
    var unused = userman.events().subscribe(Set.of(EventType.USER_CREATED), heard::add);
    create("ada@example.org");
    assertThatThrownBy(() -> create("ADA@example.org")).isInstanceOf(UsermanException.class);
    create("bob@example.org");

    assertThat(take(2))
        .extracting(e -> e.data().get("user_id"))
        .doesNotContainNull()
        .doesNotHaveDuplicates();
    assertThat(heard).isEmpty();
    assertThat(fresh.number("SELECT COUNT(*) FROM events WHERE type = 'user.created'"))
        .isEqualTo(2L);
  }

  @Test
  void a_listener_hears_only_the_types_it_asked_for() throws Exception {
    var unused = userman.events().subscribe(Set.of(EventType.USER_DELETED), heard::add);
    User ada = create("ada@example.org");
    userman.accounts().delete(ada.id(), Actor.COMMAND_LINE);
    assertThat(take(1)).extracting(Event::type).containsExactly(EventType.USER_DELETED);
  }

  @Test
  void a_failing_listener_is_logged_and_neither_the_change_nor_other_listeners_suffer()
      throws Exception {
    var failing =
        userman
            .events()
            .subscribe(
                Set.of(),
                e -> {
                  throw new IllegalStateException("listener bug");
                });
    var unused = userman.events().subscribe(Set.of(), heard::add);
    User ada = create("ada@example.org");
    assertThat(userman.accounts().find(ada.id())).isPresent();
    assertThat(take(1)).extracting(Event::userId).containsExactly(ada.id());
    failing.close();
  }

  @Test
  void close_ends_the_listener_thread() {
    var unused = userman.events().subscribe(Set.of(), heard::add);
    assertThat(listenerThreads()).isOne();
    userman.close();
    assertThat(listenerThreads()).isZero();
  }

  private static long listenerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("userman-events") && t.isAlive())
        .count();
  }

  private User create(String email) {
    return userman.accounts().create(NewUser.of(email, PASSWORD), true, Actor.COMMAND_LINE);
  }

  /** The next {@code n} events; waits for the listener thread, which runs after each commit. */
  @Test
  void each_imported_user_is_a_created_user() throws Exception {
    var unused = userman.events().subscribe(Set.of(EventType.USER_CREATED), heard::add);
    String lines =
        """
        {"email":"ada@example.org","status":"active"}
        {"email":"bob@example.org","status":"disabled"}
        """;
    ImportSummary summary = importLines(lines);
    assertThat(summary.imported()).isEqualTo(2);

    List<Event> events = take(2);
    assertThat(events)
        .extracting(Event::userId)
        .containsExactlyInAnyOrder(
            userman.accounts().findByEmail("ada@example.org").orElseThrow().id(),
            userman.accounts().findByEmail("bob@example.org").orElseThrow().id());
    assertThat(events).allSatisfy(e -> assertThat(e.data()).containsEntry("imported", true));
    assertThat(fresh.number("SELECT COUNT(*) FROM events")).isEqualTo(2L);
  }

  @Test
  void each_imported_users_stored_payload_is_its_event_written_as_json() throws Exception {
    var unused = userman.events().subscribe(Set.of(EventType.USER_CREATED), heard::add);
    String given = "0190f5a2-7c1e-7b3a-9d4e-5f6a7b8c9d0e";
    String lines =
        """
        {"email":"ada@example.org"}
        {"id":"%s","email":"bob@example.org"}
        {"email":"cy@example.org"}
        """
            .formatted(given);
    ImportSummary summary = importLines(lines);
    assertThat(summary.imported()).isEqualTo(3);

    List<Event> events = take(3);
    assertThat(events).extracting(Event::userId).contains(given);
    ObjectMapper json = Userman.jsonMapper();
    for (Event e : events) {
      Map<String, Object> data = new LinkedHashMap<>();
      data.put("user_id", e.userId());
      data.put("actor_id", Actor.COMMAND_LINE.userId());
      data.put("imported", true);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", e.id());
      body.put("type", "user.created");
      body.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(e.occurredAt()));
      body.put("data", data);
      String written = json.writeValueAsString(body);
      assertThat(e.payload()).isEqualTo(written);
      try (Connection c = fresh.connect();
          PreparedStatement q = c.prepareStatement("SELECT payload FROM events WHERE id = ?")) {
        q.setString(1, e.id());
        try (ResultSet rs = q.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo(written);
        }
      }
    }
  }

  private List<Event> take(int n) throws InterruptedException {
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Event e = heard.poll(30, TimeUnit.SECONDS);
      assertThat(e).as("event %d of %d", i + 1, n).isNotNull();
      out.add(e);
    }
    userman.awaitIdle(Duration.ofSeconds(5));
    return out;
  }

  private ImportSummary importLines(String lines) {
    return userman
        .transfers()
        .importUsers(
            new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)),
            ImportFormat.JSONL,
            new ImportOptions(false, false),
            ImportProgress.NONE,
            Actor.COMMAND_LINE);
  }
}
