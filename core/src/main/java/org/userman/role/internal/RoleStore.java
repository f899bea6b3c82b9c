package org.userman.role.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.userman.role.Role;
import org.userman.store.Dialect;

/** SQL for the roles table. Every method runs on the caller's handle (and transaction). */
public final class RoleStore {
  private static final String SELECT =
      "SELECT r.name, r.description, r.built_in, r.created_at,"
          + " (SELECT COUNT(*) FROM user_roles u WHERE u.role = r.name) AS users FROM roles r";

  private final Dialect dialect;

  public RoleStore(Dialect dialect) {
    this.dialect = dialect;
  }

  void insert(Handle h, Role role) {
    h.createUpdate(
            "INSERT INTO roles (name, description, built_in, created_at)"
                + " VALUES (:name, :description, :builtIn, :at)")
        .bind("name", role.name())
        .bind("description", role.description())
        .bind("builtIn", role.builtIn() ? 1 : 0)
        .bind("at", role.createdAt().toEpochMilli())
        .execute();
  }

  boolean exists(Handle h, String name) {
    return h.createQuery("SELECT 1 FROM roles WHERE name = :name")
        .bind("name", name)
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  Optional<Role> find(Handle h, String name) {
    return h.createQuery(SELECT + " WHERE r.name = :name")
        .bind("name", name)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  /**
   * The role, its row locked until the transaction ends: an assignment that checks the role in the
   * meantime waits for the deletion, and then finds it gone.
   */
  Optional<Role> findLocked(Handle h, String name) {
    return h.createQuery(
            "SELECT name, description, built_in, created_at, 0 AS users FROM roles WHERE name = :name"
                + dialect.forUpdate())
        .bind("name", name)
        .map((rs, ctx) -> row(rs))
        .findOne();
  }

  List<Role> page(Handle h, String afterName, int limit) {
    return h.createQuery(
            SELECT
                + (afterName == null ? "" : " WHERE r.name > :after")
                + " ORDER BY r.name LIMIT :limit")
        .bind("after", afterName)
        .bind("limit", limit)
        .map((rs, ctx) -> row(rs))
        .list();
  }

  /**
   * Which of {@code names} are roles. With {@code lock}, their rows stay locked until the
   * transaction ends, so that no deletion commits between this check and the assignment that
   * follows it (a read-only transaction passes false: it assigns nothing).
   */
  Set<String> existing(Handle h, Collection<String> names, boolean lock) {
    Set<String> out = new TreeSet<>();
    if (names.isEmpty()) {
      return out;
    }
    h.createQuery(
            "SELECT name FROM roles WHERE name IN (<names>) ORDER BY name"
                // shared: assignments of one role go on side by side; a deletion waits for them
                + (lock ? dialect.forShare() : ""))
        .bindList("names", List.copyOf(new TreeSet<>(names)))
        .mapTo(String.class)
        .forEach(out::add);
    return out;
  }

  void delete(Handle h, String name) {
    h.createUpdate("DELETE FROM roles WHERE name = :name").bind("name", name).execute();
  }

  private static Role row(ResultSet rs) throws SQLException {
    return new Role(
        rs.getString("name"),
        rs.getString("description"),
        rs.getInt("built_in") != 0,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getLong("users"));
  }
}
