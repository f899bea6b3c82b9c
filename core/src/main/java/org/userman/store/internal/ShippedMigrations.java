package org.userman.store.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.userman.store.Dialect;

/**
 * The migrations this Userman ships for one database, listed in {@code db/index/<dialect>.txt}, and
 * whether a schema's history says all of them ran. Setting Flyway up (loading its classes and
 * plugins, the scan of the migration folder, the validation) is a large part of a node's start-up;
 * a node whose schema is current needs none of it, and one query tells. Anything else (no history
 * yet, a pending, failed, newer or edited migration, a history Flyway wrote differently) is left to
 * Flyway, which migrates or says what is wrong. The checksum is Flyway's, computed here the way
 * Flyway does; SchemaTest holds it to Flyway's own on every database.
 */
record ShippedMigrations(List<Migration> migrations) {
  private static final Pattern NAME = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.+\\.sql");

  /**
   * A versioned migration: its version as Flyway writes it, its file name and Flyway's checksum.
   */
  record Migration(String version, String script, int checksum) {}

  static ShippedMigrations of(Dialect dialect) {
    String name = dialect.name().toLowerCase(Locale.ROOT);
    List<Migration> list = new ArrayList<>();
    try (BufferedReader index = reader("db/index/" + name + ".txt")) {
      for (String line = index.readLine(); line != null; line = index.readLine()) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        Matcher m = NAME.matcher(line);
        if (!m.matches()) {
          throw new IllegalStateException(
              "not a versioned migration in db/index/" + name + ".txt: " + line);
        }
        list.add(
            new Migration(
                m.group(1).replace('_', '.'), line, checksum("db/migration/" + name + "/" + line)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ShippedMigrations(List.copyOf(list));
  }

  /**
   * Whether the history lists exactly these migrations, in order, each a success with the checksum
   * of the shipped file. False, never an error, when the history cannot be read.
   */
  boolean allApplied(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, script, checksum, success FROM flyway_schema_history ORDER BY installed_rank")) {
      int i = 0;
      while (rs.next()) {
        if (i == migrations.size()) {
          return false;
        }
        Migration m = migrations.get(i++);
        String version = rs.getString(1);
        String script = rs.getString(2);
        int checksum = rs.getInt(3);
        boolean noChecksum = rs.wasNull();
        if (!m.version().equals(version)
            || !m.script().equals(script)
            || noChecksum
            || checksum != m.checksum()
            || !rs.getBoolean(4)) {
          return false;
        }
      }
      return i == migrations.size();
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Flyway's checksum of a SQL file: CRC-32 over its lines in UTF-8, without line breaks and
   * without a byte-order mark.
   */
  static int checksum(String resource) {
    CRC32 crc = new CRC32();
    try (BufferedReader in = reader(resource)) {
      String line = in.readLine();
      if (line != null && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      for (; line != null; line = in.readLine()) {
        crc.update(line.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return (int) crc.getValue();
  }

  private static BufferedReader reader(String resource) {
    InputStream in = ShippedMigrations.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("missing from the build: " + resource);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }
}
