package org.userman.store.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.jdbi.v3.core.Handle;

/**
 * Rows of one INSERT bound by position on the handle's own connection and sent as one JDBC batch:
 * for the inserts an import makes by the hundred thousand, where Jdbi's binding by name (an
 * argument factory looked up for every value) cost more than the statement. Values are bound in the
 * statement's order, one {@link #add} a row. Ordinary statements stay with Jdbi.
 */
public final class RowBatch implements AutoCloseable {
  /** A statement of the batch failed; the driver's exception is the cause. */
  public static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(SQLException cause) {
      super("a batched insert failed", cause);
    }
  }

  private final PreparedStatement statement;
  private int column;
  private int rows;

  private RowBatch(PreparedStatement statement) {
    this.statement = statement;
  }

  /** A batch of {@code sql} on {@code h}'s connection, in its transaction. */
  public static RowBatch prepare(Handle h, String sql) {
    try {
      return new RowBatch(h.getConnection().prepareStatement(sql));
    } catch (SQLException e) {
      throw new Failed(e);
    }
  }

  public RowBatch text(String value) {
    try {
      if (value == null) {
        statement.setNull(++column, Types.VARCHAR);
      } else {
        statement.setString(++column, value);
      }
    } catch (SQLException e) {
      throw new Failed(e);
    }
    return this;
  }

  public RowBatch number(long value) {
    try {
      statement.setLong(++column, value);
    } catch (SQLException e) {
      throw new Failed(e);
    }
    return this;
  }

  public RowBatch number(int value) {
    try {
      statement.setInt(++column, value);
    } catch (SQLException e) {
      throw new Failed(e);
    }
    return this;
  }

  /** Ends a row. */
  public void add() {
    try {
      statement.addBatch();
    } catch (SQLException e) {
      throw new Failed(e);
    }
    column = 0;
    rows++;
  }

  /** Sends the rows added, if any. */
  public void execute() {
    if (rows == 0) {
      return;
    }
    try {
      statement.executeBatch();
    } catch (SQLException e) {
      throw new Failed(e);
    }
    rows = 0;
  }

  @Override
  public void close() {
    try {
      statement.close();
    } catch (SQLException e) {
      throw new Failed(e);
    }
  }
}
