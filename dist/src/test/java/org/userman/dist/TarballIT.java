package org.userman.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball as an operator installs it: unpacked into an empty folder, started by its launcher
 * with the example settings on a data folder that does not exist yet, it serves.
 */
class TarballIT {
  @TempDir Path tmp;

  @Test
  void the_unpacked_tarball_serves_on_a_fresh_folder_with_the_example_settings() throws Exception {
    Path tarball = Path.of(System.getProperty("userman.tarball"));
    Node.run(List.of("tar", "-xzf", tarball.toString(), "-C", tmp.toString()));
    Path home = tmp.resolve("userman-" + System.getProperty("userman.version"));
    assertThat(home.resolve("userman")).isExecutable();
    assertThat(home.resolve("server/target/userman-server.jar")).isRegularFile();
    assertThat(home.resolve("deploy/userman.service")).isRegularFile();
    assertThat(home.resolve("docs/operations.md")).isRegularFile();
    assertThat(home.resolve("README.md")).isRegularFile();
    assertThat(home.resolve("pom.xml")).doesNotExist();

    Path data = tmp.resolve("var/lib/userman");
    Path work = Files.createDirectory(tmp.resolve("work"));
    List<String> command =
        List.of(
            home.resolve("userman").toString(),
            "serve",
            "--config",
            home.resolve("deploy/userman.example.yaml").toString());
    Map<String, String> env = Map.of("USERMAN_HTTP_PORT", "0", "USERMAN_DATA_DIR", data.toString());
    try (Node node = Node.start(command, env, work.toFile())) {
      int port = node.port(240);
      assertThat(node.get(port, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(node.get(port, "/.well-known/jwks.json").body()).contains("\"kty\"");
      assertThat(node.get(port, "/api/v1/openapi.json").statusCode()).isEqualTo(200);
      assertThat(data.resolve("userman.db")).isRegularFile();
      assertThat(Files.getPosixFilePermissions(data))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE);
      node.stop();
      assertThat(node.ended(30, TimeUnit.SECONDS)).as(node.output()).isTrue();
      assertThat(node.exitValue()).as(node.output()).isIn(0, 143);
    }
  }
}
