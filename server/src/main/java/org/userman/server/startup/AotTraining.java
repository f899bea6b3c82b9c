package org.userman.server.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the launcher's training run does beyond a start (see {@code userman}, {@code
 * train_aot_cache}): that run starts on a scratch embedded database, so the classes a start on
 * PostgreSQL or MariaDB loads (their drivers, the JDK's socket poller for virtual threads) would be
 * left out of the AOT cache and read from the jars at every such start. The training run loads them
 * by name, from the list {@code aot/server-database-classes.txt} that {@code server/aot-classes}
 * writes; loading does not initialise them.
 */
final class AotTraining {
  static final String PROPERTY = "userman.aot.training";
  static final String CLASS_LIST = "/aot/server-database-classes.txt";

  private AotTraining() {}

  /** Whether this JVM is the launcher's training run. */
  static boolean active() {
    return Boolean.getBoolean(PROPERTY);
  }

  /**
   * Loads the listed classes; returns how many loaded. A name this build no longer has (a driver
   * upgraded since the list was written) is skipped: the cache then merely lacks it.
   */
  static int loadServerDatabaseClasses() {
    int loaded = 0;
    for (String name : listedClasses()) {
      if (load(name)) {
        loaded++;
      }
    }
    return loaded;
  }

  /** The class names the list holds, in its order; none when the jar has no list. */
  static List<String> listedClasses() {
    try (InputStream in = AotTraining.class.getResourceAsStream(CLASS_LIST)) {
      if (in == null) {
        return List.of();
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads the named class without initialising it; false when this build lacks it. */
  static boolean load(String name) {
    try {
      Class.forName(name, false, AotTraining.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
