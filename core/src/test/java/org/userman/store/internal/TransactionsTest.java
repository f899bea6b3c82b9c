package org.userman.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.userman.internal.ManualTicker;
import org.userman.testkit.TestDatabases;

/** How transactions run, on every database. */
class TransactionsTest {

  /**
   * On a server database the races of the API are decided at READ COMMITTED, the level of every
   * transaction. The pool sets it on each new connection (MariaDB's default is REPEATABLE READ);
   * transactions do not ask again. SQLite has one writer at a time and serializes everything.
   */
  @Test
  void every_transaction_on_a_server_database_runs_at_read_committed() {
    assumeFalse(TestDatabases.isSqlite(), "SQLite has no isolation levels to choose");
    try (FreshDatabase fresh = FreshDatabase.create();
        Database db = Database.open(fresh.settings(), ManualTicker.frozen())) {
      for (int i = 0; i < 3; i++) {
        int level = db.tx(h -> isolation(h.getConnection()));
        assertThat(level).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
      }
    }
  }

  private static int isolation(Connection c) {
    try {
      return c.getTransactionIsolation();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
