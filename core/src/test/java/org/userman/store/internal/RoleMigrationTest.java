package org.userman.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.store.DatabaseSettings;

/** V15 makes roles data: every role a user held before it becomes a role, and admin built in. */
class RoleMigrationTest {
  private FreshDatabase fresh;

  @BeforeEach
  void create() {
    fresh = FreshDatabase.create();
  }

  @AfterEach
  void drop() {
    fresh.close();
  }

  @Test
  void the_roles_users_held_before_become_roles_and_admin_is_built_in() {
    DatabaseSettings settings = fresh.settings();
    try (HikariDataSource pool =
        ConnectionPool.open(
            settings,
            DriverProperties.of(settings, fresh.dialect()),
            org.userman.metrics.Instrumentation.NONE)) {
      Flyway schema = new Schema(pool, fresh.dialect()).flyway();
      Flyway.configure().configuration(schema.getConfiguration()).target("14").load().migrate();
      for (String id : new String[] {"u1", "u2"}) {
        fresh.execute(
            "INSERT INTO users (id, email, email_norm, email_verified, name, name_norm, status,"
                + " attributes, created_at, updated_at) VALUES (?, ?, ?, 1, '', '', 'active', '{}', 0, 0)",
            id,
            id + "@example.org",
            id + "@example.org");
      }
      fresh.execute("INSERT INTO user_roles (user_id, role) VALUES ('u1', 'admin')");
      fresh.execute("INSERT INTO user_roles (user_id, role) VALUES ('u1', 'billing:read')");
      fresh.execute("INSERT INTO user_roles (user_id, role) VALUES ('u2', 'billing:read')");
      fresh.execute("INSERT INTO user_roles (user_id, role) VALUES ('u2', 'support')");

      assertThat(schema.migrate().migrationsExecuted).isPositive();
    }
    assertThat(fresh.number("SELECT COUNT(*) FROM roles")).isEqualTo(3);
    assertThat(fresh.number("SELECT built_in FROM roles WHERE name = 'admin'")).isEqualTo(1);
    assertThat(fresh.number("SELECT built_in FROM roles WHERE name = 'billing:read'")).isZero();
    assertThat(fresh.number("SELECT built_in FROM roles WHERE name = 'support'")).isZero();
    assertThat(fresh.number("SELECT COUNT(*) FROM user_roles")).isEqualTo(4);
  }
}
