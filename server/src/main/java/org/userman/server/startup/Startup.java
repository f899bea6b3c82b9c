package org.userman.server.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.LogManager;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import org.userman.server.cli.RootCommand;
import org.userman.server.node.Serving;

/**
 * What a process does before its command runs, and everything done there only to start faster, in
 * one place (the launcher, {@code userman}, keeps the JVM's caches: the AOT cache it trains and the
 * class-data archives):
 *
 * <ul>
 *   <li>the launcher's training run loads the classes a start on a server database needs ({@link
 *       AotTraining});
 *   <li>sqlite-jdbc loads the native library the build unpacked beside the jar;
 *   <li>a {@code serve} warms Helidon and Jdbi up on background threads ({@link Warmup});
 *   <li>the plain {@code serve}, as operators and containers start the server, runs without
 *       picocli, whose model of the commands took a large part of a start to build: its answers are
 *       the same (a failure prints {@code userman: <message>} and exits 1).
 * </ul>
 */
public final class Startup {
  private Startup() {}

  /** Runs a command line; returns the exit status. */
  public static int run(
      String[] args, Map<String, String> env, InputStream stdin, PrintStream err) {
    if (AotTraining.active()) {
      AotTraining.loadServerDatabaseClasses();
    }
    useUnpackedSqlite();
    configureLogging();
    boolean serve = args.length >= 1 && args[0].equals("serve");
    CompletableFuture<Void> helidonWarm =
        serve ? Warmup.begin().webServer() : CompletableFuture.completedFuture(null);
    if (args.length == 1 && serve) {
      try {
        Serving.run(RootCommand.configOf(null, env), helidonWarm);
        return 0;
      } catch (RuntimeException e) {
        err.println("userman: " + RootCommand.message(e));
        return 1;
      }
    }
    return RootCommand.commandLine(env, stdin, helidonWarm).execute(args);
  }

  /**
   * Library logging through java.util.logging, one line a message, unless the operator set a file.
   */
  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = Startup.class.getResourceAsStream("/logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (IOException e) {
      System.err.println("userman: cannot read the logging settings: " + e.getMessage());
    }
  }

  /**
   * Points sqlite-jdbc at the native library the build unpacked beside the jar ({@code
   * sqlite-native/<version>/org/sqlite/native/<os>/<arch>}), for this very version of the driver,
   * unless the operator chose one ({@code org.sqlite.lib.path}). Without it, the driver copies its
   * library out of the jar into the temporary folder at every start and reads both copies back to
   * compare them. Should that library not load, the driver falls back to its own copy.
   */
  static void useUnpackedSqlite() {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return;
    }
    try {
      Path jarFolder =
          Path.of(Startup.class.getProtectionDomain().getCodeSource().getLocation().toURI())
              .getParent();
      Path folder =
          jarFolder
              .resolve("sqlite-native")
              .resolve(SQLiteJDBCLoader.getVersion())
              .resolve(LibraryLoaderUtil.getNativeLibResourcePath().substring(1));
      if (Files.isRegularFile(folder.resolve(LibraryLoaderUtil.getNativeLibName()))) {
        System.setProperty("org.sqlite.lib.path", folder.toString());
      }
    } catch (URISyntaxException | RuntimeException e) {
      // not run from the built jar (a test, an IDE): the driver's own way
    }
  }
}
