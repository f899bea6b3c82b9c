package org.userman.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as an operator installs it: unpacked into an empty folder, started by its launcher
 * with the example settings on a data folder that does not exist yet, it serves.
 */
class DistributionIT {
  private static final Pattern LISTENING =
      Pattern.compile("userman: listening on http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path tmp;

  @Test
  void the_unpacked_tarball_serves_on_a_fresh_folder_with_the_example_settings() throws Exception {
    Path tarball = Path.of(System.getProperty("userman.tarball"));
    run(List.of("tar", "-xzf", tarball.toString(), "-C", tmp.toString()));
    Path home = tmp.resolve("userman-" + System.getProperty("userman.version"));
    assertThat(home.resolve("userman")).isExecutable();
    assertThat(home.resolve("server/target/userman-server.jar")).isRegularFile();
    assertThat(home.resolve("deploy/userman.service")).isRegularFile();
    assertThat(home.resolve("docs/operations.md")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("pom.xml")).doesNotExist();

    Path data = tmp.resolve("var/lib/userman");
    Path work = Files.createDirectory(tmp.resolve("work"));
    ProcessBuilder pb =
        new ProcessBuilder(
                home.resolve("userman").toString(),
                "serve",
                "--config",
                home.resolve("deploy/userman.example.yaml").toString())
            .directory(work.toFile())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("USERMAN_"));
    env.put("USERMAN_HTTP_PORT", "0");
    env.put("USERMAN_DATA_DIR", data.toString());
    Process node = pb.start();
    List<String> output = new ArrayList<>();
    try {
      CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> port(node, output));
      int p = port.get(240, TimeUnit.SECONDS);

      HttpClient http = HttpClient.newHttpClient();
      assertThat(get(http, p, "/health/ready").statusCode()).isEqualTo(200);
      HttpResponse<String> jwks = get(http, p, "/.well-known/jwks.json");
      assertThat(jwks.statusCode()).isEqualTo(200);
      assertThat(jwks.body()).contains("\"kty\"");
      assertThat(get(http, p, "/api/v1/openapi.json").statusCode()).isEqualTo(200);

      assertThat(data.resolve("userman.db")).isRegularFile();
      assertThat(Files.getPosixFilePermissions(data))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE);
    } finally {
      node.destroy();
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
    assertThat(node.exitValue()).as(String.join("\n", output)).isIn(0, 143);
  }

  /**
   * The port the node says it listens on; every line it writes is kept in {@code output}, and its
   * output is read on to its end, so that the node never blocks on a full pipe.
   */
  private static int port(Process node, List<String> output) {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    try {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          output.add(line);
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          Thread.ofVirtual().start(() -> drain(in, output));
          return Integer.parseInt(m.group(1));
        }
      }
      throw new IllegalStateException("the node ended before it listened:\n" + output);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void drain(BufferedReader in, List<String> output) {
    try {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (output) {
          output.add(line);
        }
      }
    } catch (IOException e) {
      // the node has ended
    }
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }
}
