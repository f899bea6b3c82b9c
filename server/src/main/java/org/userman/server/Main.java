package org.userman.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.LogManager;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import org.userman.server.cli.RootCommand;

/** The program: every command line starts here; {@code serve} runs the server. */
public final class Main {
  private Main() {}

  /** Library logging through java.util.logging, one line a message, unless the operator set a file. */
  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (IOException e) {
      System.err.println("userman: cannot read the logging settings: " + e.getMessage());
    }
  }

  /**
   * Points sqlite-jdbc at the native library the build unpacked beside the jar
   * ({@code sqlite-native/<version>/org/sqlite/native/<os>/<arch>}), for this very version of the
   * driver, unless the operator chose one ({@code org.sqlite.lib.path}). Without it, the driver
   * copies its library out of the jar into the temporary folder at every start and reads both
   * copies back to compare them, about 0.1 s of a start on 2 cores. Should that library not load,
   * the driver still falls back to its own copy.
   */
  static void useUnpackedSqlite() {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return;
    }
    try {
      Path jarFolder = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
      Path folder = jarFolder.resolve("sqlite-native").resolve(SQLiteJDBCLoader.getVersion())
          .resolve(LibraryLoaderUtil.getNativeLibResourcePath().substring(1));
      if (Files.isRegularFile(folder.resolve(LibraryLoaderUtil.getNativeLibName()))) {
        System.setProperty("org.sqlite.lib.path", folder.toString());
      }
    } catch (URISyntaxException | RuntimeException e) {
      // not run from the built jar (a test, an IDE): the driver's own way
    }
  }

  public static void main(String[] args) {
    if (AotTraining.active()) {
      AotTraining.loadServerDatabaseClasses();
    }
    useUnpackedSqlite();
    configureLogging();
    System.exit(RootCommand.execute(args, System.getenv(), System.in, System.err));
  }
}
