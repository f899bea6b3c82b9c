package org.userman.store.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * Writes whose outcome the transaction does not read back (a sign-in's session, its audit record,
 * its event): run at once, or, in a transaction begun by {@link Database#batchedTx}, held until its
 * callback returns and then sent with the change count. On PostgreSQL they then go as one
 * multi-statement query that ends in the commit, so the whole write costs one round trip (the
 * driver sends the statements and waits once); the answer comes after the commit, so nothing is
 * reported before it is durable. SQLite and MariaDB run them one after the other (MariaDB would
 * need {@code allowMultiQueries}, which lets any injected text stack statements).
 */
public final class Writes {
  private static final ThreadLocal<Writes> HELD = new ThreadLocal<>();
  private static final Pattern PARAMETER = Pattern.compile("(?<!:):([A-Za-z_][A-Za-z0-9_]*)");

  private final Handle handle;
  private final List<Write> held = new ArrayList<>();

  private Writes(Handle handle) {
    this.handle = handle;
  }

  /** A write of {@code sql} (named parameters) in the transaction of {@code h}. */
  public static Write update(Handle h, String sql) {
    return new Write(h, sql);
  }

  /** One write: its statement and bound values, and what to tell of the rows it changed. */
  public static final class Write {
    private final Handle handle;
    private final String sql;
    private final List<String> names = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();
    private final List<Class<?>> types = new ArrayList<>();
    private IntConsumer rows;

    private Write(Handle handle, String sql) {
      this.handle = handle;
      this.sql = sql;
    }

    public Write bind(String name, String value) {
      return add(name, value, String.class);
    }

    public Write bind(String name, long value) {
      return add(name, value, Long.class);
    }

    public Write bind(String name, Long value) {
      return add(name, value, Long.class);
    }

    public Write bind(String name, int value) {
      return add(name, value, Integer.class);
    }

    private Write add(String name, Object value, Class<?> type) {
      names.add(name);
      values.add(value);
      types.add(type);
      return this;
    }

    /** Runs the write now, or holds it for the end of a batched transaction. */
    public void execute() {
      execute(null);
    }

    /**
     * As {@link #execute()}; {@code rows} hears how many rows it changed, at once or when the held
     * writes are sent (still inside the transaction, before its commit).
     */
    public void execute(IntConsumer rows) {
      this.rows = rows;
      Writes writes = HELD.get();
      // the held writes' own handle: another one (a read beside the transaction) writes at once
      if (writes != null && writes.handle.equals(handle)) {
        writes.held.add(this);
        return;
      }
      int changed = bindTo(handle.createUpdate(sql), "").execute();
      if (rows != null) {
        rows.accept(changed);
      }
    }

    private Update bindTo(Update update, String prefix) {
      for (int i = 0; i < names.size(); i++) {
        update.bindByType(prefix + names.get(i), values.get(i), types.get(i));
      }
      return update;
    }

    private String sqlWith(String prefix) {
      Matcher m = PARAMETER.matcher(sql);
      return m.replaceAll(r -> Matcher.quoteReplacement(":" + prefix + r.group(1)));
    }
  }

  /**
   * Runs {@code work} with the writes made through {@code h} held, on this thread, until they are
   * sent (or until {@code work} fails).
   */
  static <R> R holding(Handle h, java.util.function.Function<Writes, R> work) {
    Writes previous = HELD.get();
    Writes writes = new Writes(h);
    HELD.set(writes);
    try {
      return work.apply(writes);
    } finally {
      HELD.set(previous);
    }
  }

  /** Runs the held writes one after the other (SQLite, MariaDB). */
  void sendEach() {
    HELD.remove();
    for (Write w : held) {
      w.execute(w.rows);
    }
  }

  /** What {@link #sendWithCommit} heard: the two numbers, each -1 where none was asked for. */
  record Sent(long last, long afterCommit) {}

  /**
   * PostgreSQL: sends the held writes, then {@code last} (a statement that returns one number, the
   * change count's, or null), the commit, and {@code afterCommit} (a query that returns one number,
   * run once the commit is done, or null), all in one round trip.
   */
  Sent sendWithCommit(String last, Write afterCommit) {
    HELD.remove();
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < held.size(); i++) {
      sql.append(held.get(i).sqlWith("w" + i + "_")).append(";\n");
    }
    if (last != null) {
      sql.append(last).append(";\n");
    }
    // The commit rides with the writes: the driver then finds the transaction ended, and the
    // commit that Jdbi asks for next sends nothing.
    sql.append("COMMIT");
    if (afterCommit != null) {
      sql.append(";\n").append(afterCommit.sqlWith("a_"));
    }
    Update update = handle.createUpdate(sql.toString());
    for (int i = 0; i < held.size(); i++) {
      held.get(i).bindTo(update, "w" + i + "_");
    }
    if (afterCommit != null) {
      afterCommit.bindTo(update, "a_");
    }
    List<Long> results = update.execute((statement, ctx) -> results(statement.get()));
    for (int i = 0; i < held.size(); i++) {
      if (held.get(i).rows != null) {
        held.get(i).rows.accept(results.get(i).intValue());
      }
    }
    int next = held.size();
    long lastNumber = last == null ? -1 : results.get(next++);
    next++; // the commit's
    return new Sent(lastNumber, afterCommit == null ? -1 : results.get(next));
  }

  /**
   * The results in order: the rows a write changed, or the number in the first row of a query's
   * answer (-1 for none).
   */
  private static List<Long> results(PreparedStatement st) throws SQLException {
    List<Long> out = new ArrayList<>();
    while (true) {
      ResultSet rs = st.getResultSet();
      if (rs != null) {
        out.add(rs.next() ? rs.getLong(1) : -1);
      } else {
        int changed = st.getUpdateCount();
        if (changed == -1) {
          return out;
        }
        out.add((long) changed);
      }
      st.getMoreResults();
    }
  }
}
