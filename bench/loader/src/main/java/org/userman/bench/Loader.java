package org.userman.bench;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * Inserts benchmark users into a database whose schema Userman has already migrated, in JDBC
 * batches, as one bulk path instead of one HTTP call (and one Argon2 hash) per user.
 *
 * <p>User {@code i} is {@code user%07d@bench.example}, username {@code user%07d}, name
 * {@code Bench User %07d}, active and verified, with password {@code bench passphrase number
 * (i % 4)}. Hashing a million passwords would take hours, so each of the four passwords is hashed
 * once (Argon2id at Userman's parameters by libargon2, the PHC string core writes and verifies)
 * and that hash is reused: a sign-in still computes a full Argon2id verification with the stored
 * salt.
 *
 * <p>Ids are UUIDv7 made here, increasing with {@code i} (Userman's listings page by id).
 *
 * <p>On PostgreSQL the load ends with {@code VACUUM (ANALYZE)} of the table.
 *
 * <p>Usage: {@code Loader JDBC_URL USER FIRST COUNT}; prints the seconds the load took.
 *
 * <p>{@code Loader --rehash JDBC_URL USER COUNT MEMORY_KIB ITERATIONS} instead hashes the four
 * passwords again at those Argon2id parameters and stores them for users {@code 0} to {@code
 * COUNT - 1}: the bench's sign-ins at the cheapest cost Userman accepts.
 */
public final class Loader {
  static final int PASSWORDS = 4;
  static final int BATCH = 1000;
  static final int COMMIT_EVERY = 50_000;

  public static void main(String[] args) throws SQLException {
    if (args[0].equals("--rehash")) {
      rehash(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      return;
    }
    String url = args[0];
    String user = args[1];
    int first = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    long start = System.nanoTime();
    SecureRandom random = new SecureRandom();
    String[] hashes = hashes(19456, 2, random);
    long now = System.currentTimeMillis();
    try (Connection c = connect(url, user)) {
      c.setAutoCommit(false);
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO users (id, email, email_norm, email_verified, username, name, name_norm, status,"
              + " password_hash, attributes, created_at, updated_at, last_login_at)"
              + " VALUES (?, ?, ?, 1, ?, ?, ?, 'active', ?, '{}', ?, ?, NULL)")) {
        // One id millisecond per user, from about three hours ago: later loads continue the order.
        long base = now - 10_000_000L;
        for (int i = first; i < first + count; i++) {
          String n = String.format("%07d", i);
          String email = "user" + n + "@bench.example";
          String name = "Bench User " + n;
          s.setString(1, uuidV7(base + i, random));
          s.setString(2, email);
          s.setString(3, email);
          s.setString(4, "user" + n);
          s.setString(5, name);
          s.setString(6, name.toLowerCase(java.util.Locale.ROOT));
          s.setString(7, hashes[i % PASSWORDS]);
          s.setLong(8, now);
          s.setLong(9, now);
          s.addBatch();
          if ((i - first + 1) % BATCH == 0) {
            s.executeBatch();
          }
          if ((i - first + 1) % COMMIT_EVERY == 0) {
            c.commit();
          }
        }
        s.executeBatch();
        c.commit();
      }
      if (url.startsWith("jdbc:postgresql:")) {
        // What PostgreSQL's guide to populating a database asks for after a bulk load, and what
        // autovacuum would do within a minute or so where it runs (it may be off, as on the bench
        // machine, which left the planner with no statistics at all): counted in the load's time.
        c.setAutoCommit(true);
        try (Statement vacuum = c.createStatement()) {
          vacuum.execute("VACUUM (ANALYZE) users");
        }
      }
    }
    System.out.printf(java.util.Locale.ROOT, "%.2f%n", (System.nanoTime() - start) / 1e9);
  }

  /** The four passwords' PHC strings at these parameters (parallelism 1), each with a salt of its own. */
  static String[] hashes(int memoryKib, int iterations, SecureRandom random) {
    String[] hashes = new String[PASSWORDS];
    Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
    for (int p = 0; p < PASSWORDS; p++) {
      byte[] salt = new byte[16];
      random.nextBytes(salt);
      hashes[p] = argon2.hashAdvanced(iterations, memoryKib, 1, ("bench passphrase number " + p).getBytes(StandardCharsets.UTF_8),
          salt, 32, Argon2Version.V13).getEncoded();
    }
    return hashes;
  }

  static Connection connect(String url, String user) throws SQLException {
    Properties props = new Properties();
    if (!user.isEmpty()) {
      props.setProperty("user", user);
    }
    // PostgreSQL sends a batch as multi-row INSERTs with this; SQLite ignores it.
    props.setProperty("reWriteBatchedInserts", "true");
    return DriverManager.getConnection(url, props);
  }

  /** Stores the passwords hashed at these parameters for users 0 to {@code count - 1}. */
  static void rehash(String url, String user, int count, int memoryKib, int iterations) throws SQLException {
    String[] hashes = hashes(memoryKib, iterations, new SecureRandom());
    try (Connection c = connect(url, user); PreparedStatement s = c.prepareStatement("UPDATE users SET password_hash = ? WHERE username = ?")) {
      c.setAutoCommit(false);
      for (int i = 0; i < count; i++) {
        s.setString(1, hashes[i % PASSWORDS]);
        s.setString(2, String.format("user%07d", i));
        s.addBatch();
      }
      int updated = java.util.Arrays.stream(s.executeBatch()).map(n -> Math.max(n, 0)).sum();
      c.commit();
      if (updated != count) {
        throw new IllegalStateException("rehashed " + updated + " users, expected " + count);
      }
    }
  }

  /** A UUIDv7 (RFC 9562) at {@code millis}: Userman's id shape, so cursors accept it. */
  static String uuidV7(long millis, SecureRandom random) {
    long msb = (millis << 16) | (0x7L << 12) | random.nextInt(1 << 12);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
