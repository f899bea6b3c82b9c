package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Prometheus metrics: off unless a port is set, then on a listener of their own (token-guarded when
 * a token is set), with a family for each thing an operator watches, labelled by route template,
 * outcome and rule, never by a user's data.
 */
class MetricsTest {
  static final String TOKEN = "metrics-token-0123456789abcdef";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void a_scrape_after_traffic_finds_every_family_with_the_counts_of_that_traffic() {
    try (TestServer s =
        TestServer.start(
            "USERMAN_METRICS_PORT=0",
            "USERMAN_METRICS_TOKEN=" + TOKEN,
            "USERMAN_LIMITS_LOGIN_PER_IP=3/1m")) {
      s.register("pending@example.org"); // stays pending: verification is the default policy
      String adaId = s.registerActive("ada@example.org").path("id").asText();
      // four sign-ins from one address under a limit of three: ok, wrong, not active, limited
      Resp signedIn = login(s, "ada@example.org", PASSWORD);
      assertThat(signedIn.status()).isEqualTo(201);
      assertThat(login(s, "ada@example.org", "a wrong password").code())
          .isEqualTo("invalid_credentials");
      assertThat(login(s, "pending@example.org", PASSWORD).code()).isEqualTo("account_not_active");
      assertThat(login(s, "ada@example.org", PASSWORD).code()).isEqualTo("rate_limited");
      String access = signedIn.text("access_token");
      String sessionId = signedIn.json().path("session").path("id").asText();
      for (int i = 0; i < 3; i++) {
        assertThat(s.get("/api/v1/me", access).status()).isEqualTo(200);
      }
      assertThat(s.call("DELETE", "/api/v1/sessions/no-such-session", null, access).status())
          .isEqualTo(404);
      assertThat(s.send("GET", "/no/such/thing/" + adaId, null, null).status()).isEqualTo(404);
      assertThat(s.send("GET", "/login", null, null).status()).isEqualTo(200);

      Scrape m = scrape(s);
      assertThat(m.text())
          .as("no user data in any label")
          .doesNotContain(adaId)
          .doesNotContain(sessionId)
          .doesNotContain("example.org")
          .doesNotContain("no-such")
          .doesNotContain("127.0.0.1");

      // requests: by method, route template and status, once each
      String requests = "http_server_requests_seconds_count";
      assertThat(m.sum(requests, "route", "/api/v1/sessions", "status", "201")).isEqualTo(1);
      assertThat(m.sum(requests, "route", "/api/v1/sessions", "status", "401")).isEqualTo(1);
      assertThat(m.sum(requests, "route", "/api/v1/sessions", "status", "403")).isEqualTo(1);
      assertThat(m.sum(requests, "route", "/api/v1/sessions", "status", "429")).isEqualTo(1);
      assertThat(m.sum(requests, "method", "GET", "route", "/api/v1/me", "status", "200"))
          .isEqualTo(3);
      assertThat(
              m.sum(
                  requests, "method", "DELETE", "route", "/api/v1/sessions/{id}", "status", "404"))
          .isEqualTo(1);
      assertThat(m.sum(requests, "route", "other", "status", "404")).isEqualTo(1);
      assertThat(m.sum(requests, "method", "GET", "route", "/login", "status", "200"))
          .as("pages too")
          .isEqualTo(1);
      assertThat(m.sum(requests, "route", "/api/v1/users", "status", "201")).isEqualTo(2);
      assertThat(m.sum("http_server_requests_seconds_sum", "route", "/api/v1/me")).isPositive();
      assertThat(
              m.sum(
                  "http_server_requests_seconds_bucket",
                  "route",
                  "/api/v1/me",
                  "status",
                  "200",
                  "le",
                  "+Inf"))
          .isEqualTo(3);

      // sign-ins by outcome, and the refusal by its rule
      assertThat(m.sum("userman_sign_ins_total", "outcome", "ok")).isEqualTo(1);
      assertThat(m.sum("userman_sign_ins_total", "outcome", "wrong")).isEqualTo(1);
      assertThat(m.sum("userman_sign_ins_total", "outcome", "not_active")).isEqualTo(1);
      assertThat(m.sum("userman_sign_ins_total", "outcome", "limited")).isEqualTo(1);
      assertThat(m.sum("userman_sign_ins_total", "outcome", "second_factor")).isZero();
      assertThat(m.sum("userman_rate_limit_refusals_total", "rule", "login_per_ip")).isEqualTo(1);
      assertThat(m.sum("userman_rate_limit_refusals_total")).isEqualTo(1);

      // two registrations hash; three sign-ins verify (the limited one is refused before)
      assertThat(m.sum("userman_password_hash_seconds_count")).isEqualTo(5);
      assertThat(m.sum("userman_password_hash_seconds_sum")).isPositive();
      assertThat(m.sum("userman_password_hash_seconds_bucket", "le", "+Inf")).isEqualTo(5);

      // the session check of each authenticated request: from memory or the database
      assertThat(m.sum("userman_cache_gets_total", "cache", "sessions")).isEqualTo(4);
      assertThat(m.sum("userman_cache_gets_total", "cache", "users")).isPositive();

      // the queues: every mail went out (the test's outbox read sends what is due)
      assertThat(m.sum("userman_mail_queue_depth"))
          .isEqualTo((double) s.userman().mailQueue().backlog().pending())
          .isZero();
      assertThat(m.sum("userman_mail_queue_oldest_age_seconds")).isZero();
      assertThat(m.find("userman_mail_failures_total", "outcome", "retry")).hasSize(1);
      assertThat(m.sum("userman_mail_failures_total")).isZero();
      assertThat(m.sum("userman_webhook_queue_depth")).isZero();
      assertThat(m.find("userman_webhook_queue_oldest_age_seconds")).hasSize(1);
      assertThat(m.find("userman_webhook_failures_total", "outcome", "gave_up")).hasSize(1);

      // the connection pool
      assertThat(m.sum("hikaricp_connections_max", "pool", "userman"))
          .isEqualTo(s.config().core().database().poolSize());
      assertThat(m.sum("hikaricp_connections", "pool", "userman")).isBetween(1.0, 10.0);
      assertThat(m.sum("hikaricp_connections_active", "pool", "userman")).isBetween(0.0, 10.0);
      assertThat(m.sum("hikaricp_connections_pending", "pool", "userman")).isZero();
      assertThat(m.sum("hikaricp_connections_acquire_seconds_count", "pool", "userman"))
          .isPositive();
      assertThat(m.sum("hikaricp_connections_usage_seconds_count", "pool", "userman")).isPositive();
      assertThat(m.sum("hikaricp_connections_timeout_total", "pool", "userman")).isZero();

      // the JVM
      assertThat(m.sum("jvm_memory_used_bytes", "area", "heap")).isPositive();
      assertThat(m.sum("jvm_threads_live_threads")).isPositive();
      assertThat(m.sum("jvm_classes_loaded_classes")).isPositive();
      assertThat(m.sum("system_cpu_count")).isPositive();
      assertThat(m.find("process_uptime_seconds")).hasSize(1);
      assertThat(m.find("jvm_gc_memory_allocated_bytes_total")).hasSize(1);

      assertThat(dashboardSeries())
          .as("every series the Grafana dashboard queries is in the scrape")
          .isNotEmpty()
          .allSatisfy(name -> assertThat(m.find(name)).as(name).isNotEmpty());
    }
  }

  /** The series names the dashboard in deploy/ queries (GC pauses appear only after a GC). */
  private static List<String> dashboardSeries() {
    try {
      JsonNode dashboard =
          TestServer.JSON.readTree(Path.of("..", "deploy", "grafana-dashboard.json").toFile());
      Set<String> names = new TreeSet<>();
      for (JsonNode target : dashboard.path("panels").findValues("targets")) {
        for (JsonNode t : target) {
          Matcher name = SERIES.matcher(t.path("expr").asText());
          while (name.find()) {
            names.add(name.group());
          }
        }
      }
      names.removeIf(n -> n.startsWith("jvm_gc_pause"));
      return List.copyOf(names);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern SERIES =
      Pattern.compile("\\b(http_server|userman|hikaricp|jvm|process)_[a-z_]+");

  @Test
  void metrics_are_served_on_their_own_listener_only_and_need_the_token() {
    try (TestServer s =
        TestServer.start("USERMAN_METRICS_PORT=0", "USERMAN_METRICS_TOKEN=" + TOKEN)) {
      int metricsPort = s.server().metricsPort();
      assertThat(metricsPort).isPositive().isNotEqualTo(s.server().port());
      assertThat(s.send("GET", "/metrics", null, null).status())
          .as("not on the public port")
          .isEqualTo(404);
      assertThat(s.send("GET", "/metrics", null, null, "Authorization", "Bearer " + TOKEN).status())
          .as("not on the public port, token or not")
          .isEqualTo(404);

      HttpResponse<String> none = get(metricsPort, "/metrics", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(none.body()).doesNotContain("jvm_");
      assertThat(get(metricsPort, "/metrics", "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
      assertThat(get(metricsPort, "/metrics", "Bearer " + TOKEN.substring(1)).statusCode())
          .isEqualTo(401);
      assertThat(get(metricsPort, "/metrics", "Basic " + TOKEN).statusCode()).isEqualTo(401);
      assertThat(get(metricsPort, "/metrics", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
      assertThat(get(metricsPort, "/api/v1/me", "Bearer " + TOKEN).statusCode())
          .as("the metrics listener serves nothing else")
          .isEqualTo(404);
    }
  }

  @Test
  void without_a_token_the_listener_answers_every_scrape() {
    try (TestServer s = TestServer.start("USERMAN_METRICS_PORT=0")) {
      assertThat(get(s.server().metricsPort(), "/metrics", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void metrics_are_off_unless_a_port_is_set() {
    try (TestServer s = TestServer.start()) {
      assertThat(s.server().metricsPort()).isEqualTo(-1);
      assertThat(s.send("GET", "/metrics", null, null).status()).isEqualTo(404);
    }
  }

  private static Resp login(TestServer s, String email, String password) {
    return s.post("/api/v1/sessions", obj("email", email, "password", password));
  }

  /** A scrape of {@code s}'s metrics listener, with {@link #TOKEN}. */
  static Scrape scrape(TestServer s) {
    HttpResponse<String> r = get(s.server().metricsPort(), "/metrics", "Bearer " + TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    return new Scrape(r.body());
  }

  private static HttpResponse<String> get(int port, String path, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A scrape in Prometheus's text format, read sample by sample. */
  record Scrape(String text) {
    record Sample(String name, Map<String, String> labels, double value) {}

    private static final java.util.regex.Pattern LABEL =
        java.util.regex.Pattern.compile("([a-zA-Z_]+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    List<Sample> samples() {
      return text.lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(Scrape::sample)
          .toList();
    }

    private static Sample sample(String line) {
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      Map<String, String> labels = new HashMap<>();
      String name;
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        String inside = line.substring(brace + 1, line.lastIndexOf('}'));
        java.util.regex.Matcher pair = LABEL.matcher(inside);
        while (pair.find()) {
          labels.put(pair.group(1), pair.group(2));
        }
      } else {
        name = line.substring(0, space);
      }
      return new Sample(name, labels, Double.parseDouble(line.substring(space + 1)));
    }

    /** The samples named {@code name} whose labels include {@code kv} (pairs). */
    List<Sample> find(String name, String... kv) {
      return samples().stream()
          .filter(x -> x.name().equals(name))
          .filter(
              x -> {
                for (int i = 0; i < kv.length; i += 2) {
                  if (!kv[i + 1].equals(x.labels().get(kv[i]))) {
                    return false;
                  }
                }
                return true;
              })
          .toList();
    }

    double sum(String name, String... kv) {
      return find(name, kv).stream().mapToDouble(Sample::value).sum();
    }
  }
}
