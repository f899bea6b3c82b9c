package org.userman.event.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.userman.Userman;
import org.userman.audit.AuditType;
import org.userman.common.Actor;
import org.userman.event.Event;
import org.userman.event.EventType;
import org.userman.internal.Ids;
import org.userman.internal.ManualTicker;
import org.userman.store.internal.Database;
import org.userman.store.internal.FreshDatabase;

/** The outbox row and the listener call exist exactly when the change's transaction commits. */
class EventOutboxTest {

  @Test
  void a_rolled_back_change_writes_no_event_and_calls_no_listener() throws Exception {
    Clock clock = Clock.systemUTC();
    BlockingQueue<Event> heard = new LinkedBlockingQueue<>();
    try (FreshDatabase fresh = FreshDatabase.create();
        Database db = Database.open(fresh.settings(), ManualTicker.frozen());
        EventDispatcher dispatcher = new EventDispatcher()) {
      var unused = dispatcher.subscribe(Set.of(), heard::add);
      EventOutbox outbox =
          new EventOutbox(
              Userman.jsonMapper(),
              new Ids(clock, new SecureRandom()),
              clock,
              dispatcher,
              java.util.List.of());

      assertThatThrownBy(
              () ->
                  db.tx(
                      h -> {
                        outbox.recorded(
                            h, AuditType.DELETED, Actor.COMMAND_LINE, "rolled-back", Map.of());
                        throw new IllegalStateException("the change fails after its event");
                      }))
          .hasMessageContaining("fails after");
      db.tx(
          h -> {
            outbox.recorded(h, AuditType.DELETED, Actor.COMMAND_LINE, "committed", Map.of());
            return null;
          });

      Event first = heard.poll(30, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(first.userId()).isEqualTo("committed");
      assertThat(first.type()).isEqualTo(EventType.USER_DELETED);
      assertThat(fresh.number("SELECT COUNT(*) FROM events")).isEqualTo(1L);
      assertThat(fresh.number("SELECT COUNT(*) FROM events WHERE user_id = 'rolled-back'"))
          .isZero();
    }
    assertThat(heard).isEmpty();
  }

  @Test
  void records_of_refusals_and_lockouts_are_no_events() {
    assertThat(EventOutbox.typeOf(AuditType.LOGIN_FAILED, Map.of())).isNull();
    assertThat(EventOutbox.typeOf(AuditType.LOCKED, Map.of())).isNull();
    assertThat(EventOutbox.typeOf(AuditType.PROFILE_UPDATED, Map.of("status", "pending")))
        .isEqualTo(EventType.USER_STATUS_CHANGED);
    assertThat(EventOutbox.typeOf(AuditType.PROFILE_UPDATED, Map.of("name", "changed")))
        .isEqualTo(EventType.USER_UPDATED);
  }
}
