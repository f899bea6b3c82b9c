package org.userman.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What the launcher's training run does beyond a start (see {@code userman}, {@code train_aot_cache}):
 * that run starts on a scratch embedded database, so the classes a start on PostgreSQL or MariaDB
 * loads (their drivers, the JDK's socket poller for virtual threads) would be left out of the AOT
 * cache and read from the jars at every such start, some 0.1 s of one on 2 cores. The training run
 * loads them by name, from the list {@code aot/server-database-classes.txt} that {@code
 * server/aot-classes} writes; loading does not initialise them.
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
    ClassLoader loader = AotTraining.class.getClassLoader();
    int loaded = 0;
    try (InputStream in = AotTraining.class.getResourceAsStream(CLASS_LIST)) {
      if (in == null) {
        return 0;
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String name = line.strip();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try {
          Class.forName(name, false, loader);
          loaded++;
        } catch (ClassNotFoundException | LinkageError e) {
          // not in this build
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return loaded;
  }
}
