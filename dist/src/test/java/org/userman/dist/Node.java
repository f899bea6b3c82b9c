package org.userman.dist;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node started as an installed Userman is: a process whose output is kept, asked over HTTP. */
final class Node implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("userman: listening on http://[^:/]+:(\\d+)");

  private final Process process;
  private final List<String> output = new ArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private Node(Process process) {
    this.process = process;
    Thread.ofVirtual().start(this::read);
  }

  /** Starts {@code command} in {@code dir} with exactly {@code env}'s USERMAN_ settings. */
  static Node start(List<String> command, Map<String, String> env, File dir) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("USERMAN_"));
    pb.environment().putAll(env);
    return new Node(pb.start());
  }

  /** The port the node says it listens on, once it does. */
  int port(int timeoutSeconds) throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return port.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the node did not listen:\n" + output(), e);
    }
  }

  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Asks the node to stop, as systemd or a container engine does: SIGTERM to the JVM, which may be
   * a child of the process started (in the namespaces that stand for a container's).
   */
  void stop() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
  }

  boolean ended(long timeout, TimeUnit unit) throws InterruptedException {
    return process.waitFor(timeout, unit);
  }

  int exitValue() {
    return process.exitValue();
  }

  /** Everything the node wrote so far. */
  String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  /** Ends the node, forcibly when it does not stop in time (a test that failed half-way). */
  @Override
  public void close() {
    stop();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    }
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          output.add(line);
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // the node has ended
    }
    port.completeExceptionally(new IllegalStateException("the node ended"));
  }

  /** Runs {@code command} to its end, which must be a success. */
  static void run(List<String> command) throws IOException, InterruptedException {
    output(command);
  }

  /** Runs {@code command} to its end, which must be a success, and gives what it wrote. */
  static String output(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }
}
