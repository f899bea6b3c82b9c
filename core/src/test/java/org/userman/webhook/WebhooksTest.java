package org.userman.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import org.userman.audit.AuditEvent;
import org.userman.audit.AuditQuery;
import org.userman.audit.AuditType;
import org.userman.common.Actor;
import org.userman.common.Backlog;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.metrics.Instrumentation;
import org.userman.password.HashParameters;
import org.userman.password.Password;
import org.userman.store.internal.FreshDatabase;
import org.userman.testkit.MutableClock;
import org.userman.webhook.internal.WebhookService;

/**
 * Webhooks against a real HTTP receiver in the test JVM, on the run's database, with time moved by
 * the clock: signed as Standard Webhooks says, retried after failures, given up and disabled after
 * three days, never sent for a rolled-back change, once each from two nodes.
 */
class WebhooksTest {
  private static final Password PASSWORD = Password.of("analytical engine, 1837");
  private static final WebhookSettings LOCAL =
      new WebhookSettings(true, Duration.ofSeconds(2), Duration.ofSeconds(2));

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T06:00:00Z"));
  private final List<Userman> nodes = new ArrayList<>();
  private FreshDatabase fresh;
  private Receiver receiver;
  private Userman userman;

  @BeforeEach
  void open() {
    fresh = FreshDatabase.create();
    receiver = new Receiver();
    userman = node(LOCAL);
  }

  @AfterEach
  void close() {
    nodes.forEach(Userman::close);
    receiver.close();
    fresh.close();
  }

  private Userman node(WebhookSettings settings) {
    return node(settings, Instrumentation.NONE);
  }

  private Userman node(WebhookSettings settings, Instrumentation instrumentation) {
    UsermanConfig config =
        UsermanConfig.embedded(dataDir, "https://accounts.example.org").toBuilder()
            .database(fresh.settings())
            .hashing(new HashParameters(8, 1, 1), true)
            .webhooks(settings)
            .build();
    Userman node = Userman.open(config, clock, new SecureRandom(), instrumentation);
    nodes.add(node);
    return node;
  }

  private CreatedWebhook endpoint(String... events) {
    return userman
        .webhooks()
        .create(new NewWebhook(receiver.url(), List.of(events), null, "test"), Actor.COMMAND_LINE);
  }

  private User create(String email) {
    return userman.accounts().create(NewUser.of(email, PASSWORD), true, Actor.COMMAND_LINE);
  }

  @Test
  void deliveries_are_signed_as_standard_webhooks_says() {
    CreatedWebhook hook = endpoint();
    User ada = create("ada@example.org");

    assertThat(hook.secret()).startsWith("whsec_");
    assertThat(userman.webhooks().deliverDue()).isOne();
    Receiver.Request r = receiver.requests().getFirst();
    assertThat(Receiver.verifies(hook.secret(), r)).isTrue();
    assertThat(r.timestamp()).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
    assertThat(r.body())
        .contains("\"type\":\"user.created\"")
        .contains("\"id\":\"" + r.id() + "\"")
        .contains("\"user_id\":\"" + ada.id() + "\"");
    WebhookDelivery d =
        userman.webhooks().deliveries(hook.webhook().id(), 10, null).items().getFirst();
    assertThat(d.eventId()).isEqualTo(r.id());
    assertThat(d.status()).isEqualTo(WebhookDelivery.Status.DELIVERED);
    assertThat(d.responseStatus()).isEqualTo(200);
    assertThat(d.responseExcerpt()).as("a short excerpt, no more").hasSize(256);
    assertThat(userman.webhooks().deliverDue()).as("nothing is due twice").isZero();
    assertThat(receiver.requests()).hasSize(1);
  }

  @Test
  void an_endpoint_receives_only_its_types_and_in_the_order_of_the_changes() {
    endpoint("user.updated", "user.deleted");
    User ada = create("ada@example.org");
    for (String name : List.of("Ada", "Ada King", "Ada Lovelace")) {
      userman
          .accounts()
          .update(
              ada.id(),
              new UserPatch(null, null, null, false, name, null, null, null, null),
              Actor.COMMAND_LINE);
    }
    userman.accounts().delete(ada.id(), Actor.COMMAND_LINE);

    assertThat(userman.webhooks().deliverDue()).isEqualTo(4);
    assertThat(receiver.requests())
        .extracting(r -> r.body().replaceAll(".*\"type\":\"([a-z_.]+)\".*", "$1"))
        .containsExactly("user.updated", "user.updated", "user.updated", "user.deleted");
    List<String> ids = receiver.requests().stream().map(Receiver.Request::id).toList();
    assertThat(ids).isSorted();
  }

  @Test
  void each_user_of_an_import_is_delivered_to_the_endpoints_that_receive_created_users() {
    endpoint("user.created");
    endpoint("user.deleted");
    String lines =
        """
        {"email":"ada@example.org"}
        {"email":"bob@example.org"}
        {"email":"cy@example.org"}
        """;
    ImportSummary summary =
        userman
            .transfers()
            .importUsers(
                new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)),
                ImportFormat.JSONL,
                new ImportOptions(false, false),
                ImportProgress.NONE,
                Actor.COMMAND_LINE);
    assertThat(summary.imported()).isEqualTo(3);

    assertThat(userman.webhooks().deliverDue()).as("one a user, to one endpoint").isEqualTo(3);
    assertThat(receiver.requests())
        .extracting(r -> r.body().replaceAll(".*\"user_id\":\"([^\"]+)\".*", "$1"))
        .containsExactlyInAnyOrder(
            userman.accounts().findByEmail("ada@example.org").orElseThrow().id(),
            userman.accounts().findByEmail("bob@example.org").orElseThrow().id(),
            userman.accounts().findByEmail("cy@example.org").orElseThrow().id());
    assertThat(receiver.requests()).allSatisfy(r -> assertThat(r.body()).contains("user.created"));
  }

  @Test
  void failures_are_retried_with_backoff_and_delivered_later() {
    CreatedWebhook hook = endpoint();
    receiver.answer(500, 503);
    create("ada@example.org");
    create("bob@example.org");

    assertThat(userman.webhooks().deliverDue()).isZero();
    assertThat(receiver.requests()).as("a failure ends the endpoint's round").hasSize(1);
    WebhookDelivery first = deliveries(hook).getLast();
    assertThat(first.status()).isEqualTo(WebhookDelivery.Status.PENDING);
    assertThat(first.attempts()).isOne();
    assertThat(first.responseStatus()).isEqualTo(500);
    assertThat(first.nextAttemptAt()).isAfter(clock.instant());
    assertThat(userman.webhooks().deliverDue()).as("not due yet").isZero();
    assertThat(receiver.requests()).as("the later event waits for the earlier").hasSize(1);

    clock.advance(Duration.ofMinutes(1)); // the first retry comes after 45 s to 1 min
    assertThat(userman.webhooks().deliverDue()).isZero(); // 503
    clock.advance(Duration.ofMinutes(2));
    assertThat(userman.webhooks().deliverDue()).isEqualTo(2);

    List<Receiver.Request> got = receiver.requests();
    assertThat(got).hasSize(4);
    assertThat(got.get(0).id()).isEqualTo(got.get(1).id()).isEqualTo(got.get(2).id());
    assertThat(got).allSatisfy(r -> assertThat(Receiver.verifies(hook.secret(), r)).isTrue());
    assertThat(deliveries(hook))
        .extracting(WebhookDelivery::status)
        .containsOnly(WebhookDelivery.Status.DELIVERED);
    assertThat(deliveries(hook).getLast().attempts()).isEqualTo(3);
  }

  @Test
  void the_backlog_counts_what_waits_since_when_and_failures_are_reported() {
    List<String> failures = new CopyOnWriteArrayList<>();
    Userman observed =
        node(
            LOCAL,
            new Instrumentation() {
              @Override
              public void deliveryFailed(Queue queue, boolean gaveUp) {
                failures.add(queue + (gaveUp ? " gave up" : " retry"));
              }
            });
    assertThat(observed.webhooks().backlog()).isEqualTo(new Backlog(0, null));
    CreatedWebhook hook = endpoint();
    receiver.answer(500);
    Instant first = clock.instant();
    create("ada@example.org");
    clock.advance(Duration.ofSeconds(30));
    create("bob@example.org");
    assertThat(observed.webhooks().backlog()).isEqualTo(new Backlog(2, first));

    assertThat(observed.webhooks().deliverDue()).isZero();
    assertThat(failures).containsExactly("WEBHOOK retry");
    assertThat(observed.webhooks().backlog()).isEqualTo(new Backlog(2, first));

    userman
        .webhooks()
        .update(hook.webhook().id(), new WebhookPatch(null, null, false, null), Actor.COMMAND_LINE);
    assertThat(observed.webhooks().backlog())
        .as("a disabled endpoint's deliveries wait for nothing")
        .isEqualTo(new Backlog(0, null));
    userman
        .webhooks()
        .update(hook.webhook().id(), new WebhookPatch(null, null, true, null), Actor.COMMAND_LINE);
    clock.advance(Duration.ofMinutes(2));
    assertThat(observed.webhooks().deliverDue()).isEqualTo(2);
    assertThat(observed.webhooks().backlog()).isEqualTo(new Backlog(0, null));
    assertThat(failures).hasSize(1);
  }

  @Test
  void refused_connections_and_timeouts_are_retried() throws Exception {
    String closedPort;
    try (Receiver gone = new Receiver()) {
      closedPort = gone.url();
    }
    CreatedWebhook hook =
        userman.webhooks().create(new NewWebhook(closedPort, null, null, null), Actor.COMMAND_LINE);
    create("ada@example.org");
    assertThat(userman.webhooks().deliverDue()).isZero();
    WebhookDelivery refused = deliveries(hook).getFirst();
    assertThat(refused.lastError()).isNotBlank();
    assertThat(refused.responseStatus()).isNull();

    userman
        .webhooks()
        .update(
            hook.webhook().id(),
            new WebhookPatch(receiver.url(), null, null, null),
            Actor.COMMAND_LINE);
    receiver.delay(3_000); // beyond the 2 s the sender waits
    clock.advance(Duration.ofMinutes(1));
    assertThat(userman.webhooks().deliverDue()).isZero();
    assertThat(deliveries(hook).getFirst().lastError()).contains("timed out");

    receiver.delay(0);
    clock.advance(Duration.ofMinutes(2));
    assertThat(userman.webhooks().deliverDue()).isOne();
    assertThat(deliveries(hook).getFirst().status()).isEqualTo(WebhookDelivery.Status.DELIVERED);
  }

  @Test
  void an_endpoint_failing_for_three_days_is_disabled_and_audited() {
    CreatedWebhook hook = endpoint();
    create("ada@example.org");
    Instant start = clock.instant();
    receiver.otherwise(500);
    while (clock.instant().isBefore(start.plus(Webhooks.RETRY_FOR).plus(Duration.ofHours(9)))) {
      userman.webhooks().deliverDue();
      clock.advance(Duration.ofHours(1));
    }

    Webhook w = userman.webhooks().get(hook.webhook().id());
    assertThat(w.enabled()).isFalse();
    assertThat(w.disabledReason()).contains("failed for 3 days").contains("500");
    WebhookDelivery d = deliveries(hook).getFirst();
    assertThat(d.status()).isEqualTo(WebhookDelivery.Status.FAILED);
    assertThat(d.attempts()).isBetween(8, 20);
    assertThat(audit(AuditType.WEBHOOK_DISABLED)).hasSize(1);

    int before = receiver.requests().size();
    create("bob@example.org");
    assertThat(userman.webhooks().deliverDue()).isZero();
    assertThat(receiver.requests()).as("a disabled endpoint is sent nothing").hasSize(before);

    receiver.otherwise(200);
    userman
        .webhooks()
        .update(hook.webhook().id(), new WebhookPatch(null, null, true, null), Actor.COMMAND_LINE);
    userman.webhooks().redeliver(hook.webhook().id(), d.eventId(), Actor.COMMAND_LINE);
    assertThat(userman.webhooks().deliverDue())
        .as("the redelivered event, and the one queued while disabled was never queued")
        .isOne();
    assertThat(userman.webhooks().get(hook.webhook().id()).disabledReason()).isNull();
  }

  @Test
  void a_rolled_back_change_sends_nothing() {
    endpoint();
    create("ada@example.org");
    assertThatThrownBy(() -> create("ADA@example.org")).isInstanceOf(UsermanException.class);
    assertThat(userman.webhooks().deliverDue()).isOne();
    assertThat(receiver.requests()).hasSize(1);
    assertThat(fresh.number("SELECT COUNT(*) FROM webhook_deliveries")).isOne();
  }

  @Test
  void a_rotated_secret_signs_beside_the_new_one_until_the_overlap_ends() {
    CreatedWebhook hook = endpoint();
    CreatedWebhook rotated =
        userman
            .webhooks()
            .rotateSecret(hook.webhook().id(), Duration.ofHours(1), Actor.COMMAND_LINE);
    assertThat(rotated.secret()).isNotEqualTo(hook.secret()).startsWith("whsec_");
    create("ada@example.org");
    userman.webhooks().deliverDue();
    Receiver.Request during = receiver.requests().getLast();
    assertThat(during.signature().split(" ", -1)).hasSize(2);
    assertThat(Receiver.verifies(hook.secret(), during)).isTrue();
    assertThat(Receiver.verifies(rotated.secret(), during)).isTrue();

    clock.advance(Duration.ofHours(1).plusSeconds(1));
    create("bob@example.org");
    userman.webhooks().deliverDue();
    Receiver.Request after = receiver.requests().getLast();
    assertThat(Receiver.verifies(hook.secret(), after)).isFalse();
    assertThat(Receiver.verifies(rotated.secret(), after)).isTrue();
    assertThat(audit(AuditType.WEBHOOK_SECRET_ROTATED)).hasSize(1);
  }

  @Test
  void private_targets_are_refused_unless_allowed() {
    Userman strict = node(LOCAL.withPrivateTargets(false));
    for (String url :
        List.of(
            "http://127.0.0.1:9/x",
            "http://localhost/x",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.8/",
            "http://[::1]/",
            "http://[fd00:ec2::254]/",
            "http://[::ffff:10.0.0.8]/",
            "http://[::127.0.0.1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[64:ff9b:1::a00:8]/",
            "http://[2002:c0a8:0101::1]/",
            "ftp://example.org/",
            "http://user:pw@example.org/")) {
      assertThatThrownBy(
              () ->
                  strict
                      .webhooks()
                      .create(new NewWebhook(url, null, null, null), Actor.COMMAND_LINE))
          .as(url)
          .isInstanceOf(ValidationException.class);
    }
    assertThat(strict.webhooks().list(10, null).items()).isEmpty();
  }

  @Test
  void two_nodes_deliver_each_event_once() throws Exception {
    Userman other = node(LOCAL);
    endpoint();
    for (int i = 0; i < 30; i++) {
      create("user" + i + "@example.org");
    }
    try (ExecutorService both = Executors.newFixedThreadPool(2)) {
      List<Callable<Integer>> rounds = new ArrayList<>();
      for (Userman node : List.of(userman, other)) {
        rounds.add(
            () -> {
              int n = 0;
              for (int round = 0; round < 5; round++) {
                n += node.webhooks().deliverDue();
              }
              return n;
            });
      }
      int total = 0;
      for (Future<Integer> f : both.invokeAll(rounds)) {
        total += f.get();
      }
      assertThat(total).isEqualTo(30);
    }
    List<String> ids = receiver.requests().stream().map(Receiver.Request::id).toList();
    assertThat(ids).hasSize(30).doesNotHaveDuplicates();
  }

  @Test
  void finished_deliveries_and_their_events_are_pruned_after_a_month_and_pending_ones_kept() {
    CreatedWebhook hook = endpoint();
    create("ada@example.org");
    userman.webhooks().deliverDue();
    receiver.otherwise(500);
    create("bob@example.org");
    userman.webhooks().deliverDue();
    userman
        .webhooks()
        .update(hook.webhook().id(), new WebhookPatch(null, null, false, null), Actor.COMMAND_LINE);
    clock.advance(Duration.ofDays(31));

    WebhookService service = (WebhookService) userman.webhooks();
    assertThat(service.prune()).isEqualTo(2); // ada's delivery and event
    assertThat(deliveries(hook))
        .extracting(WebhookDelivery::status)
        .containsExactly(WebhookDelivery.Status.PENDING);
    assertThat(fresh.number("SELECT COUNT(*) FROM events")).isOne();
  }

  @Test
  void an_unknown_event_type_is_refused() {
    assertThatThrownBy(
            () ->
                userman
                    .webhooks()
                    .create(
                        new NewWebhook(receiver.url(), List.of("user.exploded"), null, null),
                        Actor.COMMAND_LINE))
        .isInstanceOf(ValidationException.class);
  }

  private List<WebhookDelivery> deliveries(CreatedWebhook hook) {
    return userman.webhooks().deliveries(hook.webhook().id(), 100, null).items();
  }

  private List<AuditEvent> audit(AuditType type) {
    return userman.audit().list(new AuditQuery(null, type, null, null, 50, null)).items();
  }
}
