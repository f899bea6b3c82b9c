package org.userman.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.userman.Userman;
import org.userman.common.Backlog;
import org.userman.limit.LimitRule;
import org.userman.metrics.Instrumentation;
import org.userman.metrics.PoolObserver;
import org.userman.metrics.PoolState;
import org.userman.server.http.RequestMetrics;

/**
 * The node's metrics in Micrometer's Prometheus registry: requests by method, route template and
 * status; what the library reports through {@link Instrumentation}; the backlogs of the mail and
 * webhook queues, read at each scrape; the JVM. Made only when metrics are on, so a node without
 * them loads no Micrometer class. Labels hold route templates, rule names, outcomes and cache
 * names, never a user's data.
 */
public final class PrometheusMetrics implements Instrumentation, RequestMetrics, AutoCloseable {
  /**
   * Latency buckets of the request histogram: from a cached read to a slow hash, few enough that
   * each route and status costs a dozen series.
   */
  private static final Duration[] REQUEST_BUCKETS = {
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  /** Argon2id at OWASP's parameters takes some 20 to 100 ms on a server core. */
  private static final Duration[] HASH_BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2)
  };

  /** The methods a route can answer; others are counted as "other", to bound the labels. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Map<SignInOutcome, Counter> signIns = new EnumMap<>(SignInOutcome.class);
  private final Map<LimitRule, Counter> refusals = new EnumMap<>(LimitRule.class);
  private final Map<String, Timer> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> cacheGets = new ConcurrentHashMap<>();
  private final Map<Queue, Counter> retried = new EnumMap<>(Queue.class);
  private final Map<Queue, Counter> gaveUp = new EnumMap<>(Queue.class);
  private final Timer hashing;
  private final Map<Queue, Supplier<Backlog>> backlogs = new EnumMap<>(Queue.class);
  private final Map<Queue, QueueGauges> queues = new EnumMap<>(Queue.class);
  private final Clock clock;

  private PrometheusMetrics(Clock clock) {
    this.clock = clock;
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    for (SignInOutcome o : SignInOutcome.values()) {
      signIns.put(
          o,
          Counter.builder("userman.sign.ins")
              .description("Sign-in steps (password, second factor, passkey) by how they ended")
              .tag("outcome", o.code())
              .register(registry));
    }
    for (LimitRule rule : LimitRule.values()) {
      refusals.put(
          rule,
          Counter.builder("userman.rate.limit.refusals")
              .description("Requests a rate limit refused, by rule")
              .tag("rule", rule.code())
              .register(registry));
    }
    for (Queue q : Queue.values()) {
      String name = queueName(q);
      retried.put(q, failures(name, "retry"));
      gaveUp.put(q, failures(name, "gave_up"));
      QueueGauges g = new QueueGauges();
      queues.put(q, g);
      Gauge.builder("userman." + name + ".queue.depth", g, x -> x.depth)
          .description("Deliveries waiting to go out, due now or to be retried")
          .register(registry);
      Gauge.builder("userman." + name + ".queue.oldest.age", g, x -> x.oldestAgeSeconds)
          .description("How long the oldest waiting delivery has waited")
          .baseUnit("seconds")
          .register(registry);
    }
    hashing =
        Timer.builder("userman.password.hash")
            .description("Argon2id computations (hashes and verifications), waiting excluded")
            .serviceLevelObjectives(HASH_BUCKETS)
            .register(registry);
  }

  /** The registry with the JVM's meters; {@link #watch} adds the queues of a running library. */
  public static PrometheusMetrics create(Clock clock) {
    return new PrometheusMetrics(clock);
  }

  private Counter failures(String queue, String outcome) {
    return Counter.builder("userman." + queue + ".failures")
        .description("Failed deliveries: retried later, or given up")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static String queueName(Queue q) {
    return q == Queue.MAIL ? "mail" : "webhook";
  }

  /** Reads the backlogs of {@code userman}'s queues at each scrape. */
  public void watch(Userman userman) {
    backlogs.put(Queue.MAIL, userman.mailQueue()::backlog);
    backlogs.put(Queue.WEBHOOK, userman.webhooks()::backlog);
  }

  /**
   * The metrics in Prometheus's text format. The queues are read first, one query each: a database
   * that does not answer leaves their gauges empty (NaN) rather than failing the scrape.
   */
  public String scrape() {
    for (Map.Entry<Queue, Supplier<Backlog>> e : backlogs.entrySet()) {
      QueueGauges g = queues.get(e.getKey());
      try {
        Backlog b = e.getValue().get();
        g.depth = b.pending();
        g.oldestAgeSeconds =
            b.oldestQueuedAt() == null
                ? 0
                : Math.max(0, clock.millis() - b.oldestQueuedAt().toEpochMilli()) / 1000.0;
      } catch (RuntimeException ex) {
        g.depth = Double.NaN;
        g.oldestAgeSeconds = Double.NaN;
      }
    }
    return registry.scrape();
  }

  /** The content type of {@link #scrape}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  @Override
  public void request(String method, String route, int status, long nanos) {
    String m = METHODS.contains(method) ? method : "other";
    // Unmatched requests (any path at all) count as one route.
    String r = route.startsWith("/") ? route : "other";
    requests
        .computeIfAbsent(
            m + ' ' + status + ' ' + r,
            k ->
                Timer.builder("http.server.requests")
                    .description("Answered requests by method, route template and status")
                    .tags("method", m, "route", r, "status", Integer.toString(status))
                    .serviceLevelObjectives(REQUEST_BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void signIn(SignInOutcome outcome) {
    signIns.get(outcome).increment();
  }

  @Override
  public void passwordHashed(long nanos) {
    hashing.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void rateLimited(LimitRule rule) {
    refusals.get(rule).increment();
  }

  @Override
  public void cacheLookup(String cache, boolean hit) {
    cacheGets
        .computeIfAbsent(
            cache + (hit ? ":hit" : ":miss"),
            k ->
                Counter.builder("userman.cache.gets")
                    .description(
                        "Per-request reads (sessions, API keys, users): answered from memory (hit) or the database (miss)")
                    .tags("cache", cache, "result", hit ? "hit" : "miss")
                    .register(registry))
        .increment();
  }

  @Override
  public void deliveryFailed(Queue queue, boolean gaveUpOnIt) {
    (gaveUpOnIt ? gaveUp : retried).get(queue).increment();
  }

  /**
   * The pool's meters under the names HikariCP's own Micrometer tracker uses, so dashboards made
   * for it work unchanged.
   */
  @Override
  public PoolObserver connectionPool(String name, PoolState state) {
    Tags pool = Tags.of("pool", name);
    gauge("hikaricp.connections", "Connections open", pool, state, PoolState::total);
    gauge("hikaricp.connections.active", "Connections lent out", pool, state, PoolState::active);
    gauge(
        "hikaricp.connections.idle",
        "Connections waiting to be lent",
        pool,
        state,
        PoolState::idle);
    gauge(
        "hikaricp.connections.pending",
        "Threads waiting for a connection",
        pool,
        state,
        PoolState::pending);
    gauge("hikaricp.connections.max", "The most connections", pool, state, PoolState::max);
    gauge("hikaricp.connections.min", "The least connections", pool, state, PoolState::min);
    Timer acquire =
        Timer.builder("hikaricp.connections.acquire")
            .description("Waits for a connection")
            .tags(pool)
            .register(registry);
    Timer usage =
        Timer.builder("hikaricp.connections.usage")
            .description("How long connections were held")
            .tags(pool)
            .register(registry);
    Timer creation =
        Timer.builder("hikaricp.connections.creation")
            .description("How long opening a connection took")
            .tags(pool)
            .register(registry);
    Counter timeouts =
        Counter.builder("hikaricp.connections.timeout")
            .description("Waits for a connection that timed out")
            .tags(pool)
            .register(registry);
    return new PoolObserver() {
      @Override
      public void acquired(long nanos) {
        acquire.record(nanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void used(long millis) {
        usage.record(millis, TimeUnit.MILLISECONDS);
      }

      @Override
      public void created(long millis) {
        creation.record(millis, TimeUnit.MILLISECONDS);
      }

      @Override
      public void timedOut() {
        timeouts.increment();
      }
    };
  }

  private void gauge(
      String name,
      String description,
      Tags tags,
      PoolState state,
      java.util.function.ToIntFunction<PoolState> value) {
    // Held strongly: a gauge keeps only a weak reference to its object by default, and nothing
    // else holds the pool's state object.
    Gauge.builder(name, state, s -> value.applyAsInt(s))
        .strongReference(true)
        .description(description)
        .tags(tags)
        .register(registry);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  /** The last values read of one queue; written by a scrape, read by the same scrape. */
  private static final class QueueGauges {
    volatile double depth = Double.NaN;
    volatile double oldestAgeSeconds = Double.NaN;
  }
}
