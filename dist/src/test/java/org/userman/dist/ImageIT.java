package org.userman.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI image as a container engine would run it, with no engine: its configuration read from the
 * tar, its layers unpacked into a root folder, and its entrypoint run from there. As root (CI), the
 * entrypoint runs inside that folder (chroot) as the image's user, in mount and process namespaces
 * of its own with /proc mounted, as a container would; otherwise on this machine's own C libraries,
 * with the image's paths moved under the unpacked folder.
 */
class ImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void the_image_runs_as_its_own_user_on_its_own_runtime_with_the_data_folder_a_volume()
      throws Exception {
    Path tar = Path.of(System.getProperty("userman.image"));
    Path layout = Files.createDirectory(tmp.resolve("layout"));
    Node.run(List.of("tar", "-xf", tar.toString(), "-C", layout.toString()));

    JsonNode manifest =
        blob(
            layout,
            JSON.readTree(layout.resolve("index.json").toFile())
                .at("/manifests/0/digest")
                .asText());
    JsonNode config = blob(layout, manifest.at("/config/digest").asText()).get("config");
    assertThat(config.get("User").asText()).isEqualTo("10001:10001");
    assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(config.get("Volumes").has("/var/lib/userman")).isTrue();
    List<String> entrypoint = new ArrayList<>();
    config.get("Entrypoint").forEach(a -> entrypoint.add(a.asText()));
    assertThat(entrypoint.getFirst()).isEqualTo("/opt/java/bin/java");
    Map<String, String> env = new LinkedHashMap<>();
    config
        .get("Env")
        .forEach(e -> env.put(e.asText().split("=", 2)[0], e.asText().split("=", 2)[1]));
    assertThat(env).containsEntry("USERMAN_HTTP_HOST", "0.0.0.0");

    Path root = Files.createDirectory(tmp.resolve("root"));
    for (JsonNode layer : manifest.get("layers")) {
      Path file = layout.resolve("blobs/sha256").resolve(layer.get("digest").asText().substring(7));
      Node.run(
          List.of(
              "tar",
              "--warning=no-unknown-keyword",
              "-xzf",
              file.toString(),
              "-C",
              root.toString()));
    }
    assertThat(Files.getPosixFilePermissions(root.resolve("var/lib/userman")))
        .contains(PosixFilePermission.OTHERS_WRITE);
    // Only the modules Userman uses: no compiler, no tools.
    String modules =
        Node.output(List.of(root.resolve("opt/java/bin/java").toString(), "--list-modules"));
    assertThat(modules)
        .contains("java.sql")
        .doesNotContain("java.compiler")
        .doesNotContain("jdk.jshell");

    env.put("USERMAN_HTTP_PORT", "0"); // the test's own free port, not the image's 8080
    List<String> command = new ArrayList<>();
    boolean contained = isRoot();
    if (contained) {
      Files.createDirectories(root.resolve("proc"));
      command.addAll(
          List.of(
              "unshare",
              "--mount",
              "--pid",
              "--fork",
              "--kill-child=SIGTERM",
              "sh",
              "-c",
              "mount -t proc proc \"$0/proc\" && exec chroot --userspec=10001:10001 \"$0\" \"$@\"",
              root.toString()));
      command.addAll(entrypoint);
    } else {
      for (String arg : entrypoint) {
        command.add(outside(root, arg));
      }
      env.put("USERMAN_DATA_DIR", root + env.get("USERMAN_DATA_DIR"));
    }
    try (Node node = Node.start(command, env, root.toFile())) {
      int port = node.port(240);
      assertThat(node.get(port, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(node.get(port, "/.well-known/jwks.json").body()).contains("\"kty\"");
      Path data = root.resolve("var/lib/userman/data");
      assertThat(data.resolve("userman.db")).isRegularFile();
      assertThat(Files.getPosixFilePermissions(data))
          .containsExactlyInAnyOrder(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE);
      if (contained) {
        assertThat(Files.getAttribute(data, "unix:uid")).isEqualTo(10001);
      }
      node.stop();
      assertThat(node.ended(30, TimeUnit.SECONDS)).as(node.output()).isTrue();
    }
  }

  private static JsonNode blob(Path layout, String digest) throws IOException {
    return JSON.readTree(layout.resolve("blobs/sha256").resolve(digest.substring(7)).toFile());
  }

  /**
   * An entrypoint argument with the image's paths moved under {@code root}; the class path file it
   * names is read and its entries moved too.
   */
  private static String outside(Path root, String arg) throws IOException {
    if (arg.startsWith("@/")) {
      String classPath =
          Files.readString(root.resolve(arg.substring(2)), StandardCharsets.UTF_8).strip();
      List<String> moved = new ArrayList<>();
      for (String entry : classPath.split(":", -1)) {
        moved.add(root + entry);
      }
      return String.join(":", moved);
    }
    return arg.startsWith("/") ? root + arg : arg;
  }

  private static boolean isRoot() throws IOException, InterruptedException {
    return Node.output(List.of("id", "-u")).strip().equals("0");
  }
}
