package org.userman.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The release before this build, checked out and built from its commit: the newest tag reachable
 * from HEAD other than HEAD's own, else the newest entry of the file RELEASES (checkouts without
 * tags, as CI's may be).
 */
record PreviousRelease(String version, String commit) {

  static PreviousRelease of(Path root) throws IOException, InterruptedException {
    String head = git(root, "rev-parse", "HEAD").strip();
    Optional<PreviousRelease> tagged = tagged(root);
    if (tagged.isPresent()) {
      return tagged.get();
    }
    PreviousRelease listed = null;
    for (String line : Files.readAllLines(root.resolve("RELEASES"), StandardCharsets.UTF_8)) {
      String[] fields = line.strip().split("\\s+", -1);
      if (line.isBlank() || line.startsWith("#") || fields.length < 2) {
        continue;
      }
      if (!fields[1].equals(head)) {
        listed = new PreviousRelease(fields[0], fields[1]);
      }
    }
    if (listed == null) {
      throw new IllegalStateException("no release before HEAD: no tag, and none in RELEASES");
    }
    return listed;
  }

  /** The newest tag reachable from HEAD, leaving out the tags on HEAD itself. */
  private static Optional<PreviousRelease> tagged(Path root)
      throws IOException, InterruptedException {
    List<String> describe =
        new ArrayList<>(List.of("describe", "--tags", "--abbrev=0", "--match", "v*"));
    for (String own : git(root, "tag", "--points-at", "HEAD").lines().toList()) {
      if (!own.isBlank()) {
        describe.add("--exclude=" + own.strip());
      }
    }
    describe.add("HEAD");
    Result r = run(root, gitCommand(describe), Map.of());
    if (r.exit() != 0) {
      return Optional.empty(); // no tag (a checkout without them, or before the first release)
    }
    String tag = r.output().strip();
    return Optional.of(new PreviousRelease(tag, git(root, "rev-parse", tag + "^{commit}").strip()));
  }

  /**
   * The server jar of this release, built in {@code workDir} from the commit's files (kept there,
   * and used again while its jar is there). The build is offline where the local Maven repository
   * has what it needs, else online once.
   */
  Path serverJar(Path root, Path workDir, String javaHome)
      throws IOException, InterruptedException {
    Path dir = workDir.resolve(version + "-" + commit.substring(0, 12));
    Path jar = dir.resolve("server/target/userman-server.jar");
    Path built = dir.resolve(".built");
    if (Files.exists(built) && Files.isRegularFile(jar)) {
      return jar;
    }
    if (Files.exists(dir)) {
      Node.run(List.of("rm", "-rf", dir.toString()));
    }
    Files.createDirectories(dir);
    Path tar = workDir.resolve(commit + ".tar");
    // git archive leaves the repository as it is (a worktree would add to its .git)
    git(root, "archive", "--format=tar", "-o", tar.toString(), commit);
    Node.run(List.of("tar", "-xf", tar.toString(), "-C", dir.toString()));
    Files.delete(tar);

    String home = System.getProperty("maven.home");
    String mvn = home == null || home.isBlank() ? "mvn" : Path.of(home, "bin", "mvn").toString();
    // package, never install: this build's modules have the same version as the release's
    List<String> build =
        List.of(mvn, "-B", "-q", "-ntp", "-DskipTests", "-pl", "server", "-am", "package");
    Map<String, String> env = Map.of("JAVA_HOME", javaHome);
    List<String> offline = new ArrayList<>(build);
    offline.add(1, "-o");
    Result r = run(dir, offline, env);
    if (r.exit() != 0) {
      System.out.println(
          "userman tests: building " + version + " offline failed; building it online");
      r = run(dir, build, env);
    }
    if (r.exit() != 0 || !Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "building " + version + " (" + commit + ") failed:\n" + r.output());
    }
    Files.createFile(built);
    return jar;
  }

  private record Result(int exit, String output) {}

  private static String git(Path root, String... args) throws IOException, InterruptedException {
    List<String> command = gitCommand(List.of(args));
    Result r = run(root, command, Map.of());
    if (r.exit() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + r.output());
    }
    return r.output();
  }

  private static List<String> gitCommand(List<String> args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(args);
    return command;
  }

  private static Result run(Path dir, List<String> command, Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    // the Maven running this test says where its project is: not the release's
    pb.environment().remove("MAVEN_PROJECTBASEDIR");
    pb.environment().putAll(env);
    Path log = Files.createTempFile("userman-previous-", ".log");
    try {
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      int exit = pb.start().waitFor();
      return new Result(exit, Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
