package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics and traces cost a node nothing when they are off: a node started without {@code
 * metrics.port} and {@code tracing.otlp_endpoint} loads no Micrometer, Prometheus or OpenTelemetry
 * class, and none of the server's metrics or tracing classes. Each start is a process of its own,
 * whose class loading the JVM logs. Once, on SQLite, is enough.
 */
class MetricsStartupTest {
  @TempDir Path dir;

  @Test
  void a_node_without_metrics_loads_no_metrics_library() throws Exception {
    List<String> off = classesLoadedBy("off");
    assertThat(off)
        .as("the log of loaded classes is read")
        .anyMatch(c -> c.contains("org.userman.server.Main"));
    assertThat(off)
        .noneMatch(c -> c.startsWith("io.micrometer."))
        .noneMatch(c -> c.startsWith("io.prometheus."))
        .noneMatch(c -> c.startsWith("org.userman.server.metrics."))
        .noneMatch(c -> c.startsWith("io.opentelemetry."))
        .noneMatch(c -> c.startsWith("org.userman.server.tracing."));

    List<String> on =
        classesLoadedBy(
            "on",
            "USERMAN_METRICS_PORT",
            "0",
            "USERMAN_TRACING_OTLP_ENDPOINT",
            "http://127.0.0.1:9/v1/traces");
    assertThat(on)
        .as("the same check sees them when metrics and traces are on")
        .anyMatch(c -> c.startsWith("io.micrometer."))
        .anyMatch(c -> c.startsWith("org.userman.server.metrics."))
        .anyMatch(c -> c.startsWith("io.opentelemetry."))
        .anyMatch(c -> c.startsWith("org.userman.server.tracing."));
  }

  /** Starts a node with {@code env} (pairs), waits until it listens, stops it: what it loaded. */
  private List<String> classesLoadedBy(String name, String... env)
      throws IOException, InterruptedException {
    Path data = Files.createDirectories(dir.resolve(name));
    Path classes = dir.resolve(name + "-classes.log");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xlog:class+load=info:file=" + classes,
            "-cp",
            System.getProperty("java.class.path"),
            "org.userman.server.Main",
            "serve");
    pb.environment().put("USERMAN_HTTP_PORT", "0");
    pb.environment().put("USERMAN_DATA_DIR", data.toString());
    pb.environment().remove("USERMAN_DATABASE_URL");
    for (int i = 0; i < env.length; i += 2) {
      pb.environment().put(env[i], env[i + 1]);
    }
    pb.redirectErrorStream(true);
    Process node = pb.start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = out.readLine()) != null && !line.startsWith("userman: listening on")) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("the node started; it wrote:\n" + seen).isNotNull();
    } finally {
      node.destroy();
      assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // "[0.012s][info][class,load] java.lang.Object source: shared objects file"
    return Files.readAllLines(classes).stream()
        .filter(l -> l.contains("[class,load] "))
        .map(l -> l.substring(l.indexOf("[class,load] ") + "[class,load] ".length()))
        .map(l -> l.indexOf(' ') < 0 ? l : l.substring(0, l.indexOf(' ')))
        .toList();
  }
}
