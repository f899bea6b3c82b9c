package org.userman.account.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.Update;
import org.userman.account.User;
import org.userman.account.UserQuery;
import org.userman.account.UserStatus;
import org.userman.common.Page;
import org.userman.common.Text;
import org.userman.role.Roles;
import org.userman.store.Dialect;
import org.userman.store.internal.RowBatch;
import org.userman.store.internal.Writes;

/** SQL for users and their roles. Every method runs on the caller's handle (and transaction). */
public final class AccountStore {
  private static final String COLUMNS =
      "id, email, email_verified, username, name, status, attributes, created_at, updated_at, last_login_at";

  /** Ids a statement binds at most: far below every database's limit on bound parameters. */
  private static final int UNASSIGN_CHUNK = 500;

  private final ObjectMapper json;
  private final Dialect dialect;

  public AccountStore(ObjectMapper json, Dialect dialect) {
    this.json = json;
    this.dialect = dialect;
  }

  void insert(Handle h, User u, String passwordHash) {
    bindFields(
            h.createUpdate(
                "INSERT INTO users (id, email, email_norm, email_verified, username, name, name_norm, status,"
                    + " password_hash, attributes, created_at, updated_at, last_login_at) VALUES (:id, :email,"
                    + " :email_norm, :verified, :username, :name, :name_norm, :status, :hash, :attributes,"
                    + " :created, :updated, NULL)"),
            u)
        .bind("hash", passwordHash)
        .bind("created", u.createdAt().toEpochMilli())
        .execute();
    setRoles(h, u.id(), u.roles());
  }

  /** Binds what insert and update both write, by the names their statements use. */
  private Update bindFields(Update st, User u) {
    return st.bind("id", u.id())
        .bind("email", u.email())
        .bind("email_norm", Text.fold(u.email()))
        .bind("verified", u.emailVerified() ? 1 : 0)
        .bind("username", u.username())
        .bind("name", u.name())
        .bind("name_norm", Text.fold(u.name()))
        .bind("status", u.status().wire())
        .bind("attributes", write(u.attributes()))
        .bind("updated", u.updatedAt().toEpochMilli());
  }

  /** Writes every field of {@code u} but the password hash and last login. */
  void update(Handle h, User u) {
    bindFields(
            h.createUpdate(
                "UPDATE users SET email = :email, email_norm = :email_norm, email_verified = :verified,"
                    + " username = :username, name = :name, name_norm = :name_norm, status = :status,"
                    + " attributes = :attributes, updated_at = :updated WHERE id = :id"),
            u)
        .execute();
  }

  void setRoles(Handle h, String userId, List<String> roles) {
    h.createUpdate("DELETE FROM user_roles WHERE user_id = :id").bind("id", userId).execute();
    for (String role : new TreeSet<>(roles)) {
      h.createUpdate("INSERT INTO user_roles (user_id, role) VALUES (:id, :role)")
          .bind("id", userId)
          .bind("role", role)
          .execute();
    }
  }

  /** How many users hold {@code role}. */
  long countHolders(Handle h, String role) {
    return h.createQuery("SELECT COUNT(*) FROM user_roles WHERE role = :role")
        .bind("role", role)
        .mapTo(Long.class)
        .one();
  }

  /**
   * Takes {@code role} from every user that holds it and marks them updated at {@code now}; returns
   * each such user's roles as they were, by id.
   */
  Map<String, List<String>> unassignAll(Handle h, String role, Instant now) {
    List<String> ids =
        h.createQuery("SELECT user_id FROM user_roles WHERE role = :role ORDER BY user_id")
            .bind("role", role)
            .mapTo(String.class)
            .list();
    Map<String, List<String>> before = new java.util.TreeMap<>();
    for (int i = 0; i < ids.size(); i += UNASSIGN_CHUNK) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + UNASSIGN_CHUNK));
      before.putAll(roles(h, chunk));
      h.createUpdate("UPDATE users SET updated_at = :now WHERE id IN (<ids>)")
          .bind("now", now.toEpochMilli())
          .bindList("ids", chunk)
          .execute();
    }
    h.createUpdate("DELETE FROM user_roles WHERE role = :role").bind("role", role).execute();
    return before;
  }

  public void setPasswordHash(Handle h, String userId, String hash, Instant now) {
    Writes.update(h, "UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id")
        .bind("id", userId)
        .bind("hash", hash)
        .bind("now", now.toEpochMilli())
        .execute();
  }

  /**
   * Whether the user's password hash is still {@code verified}, with the row locked until the
   * transaction ends: a change that checked the password before a concurrent reset commits only if
   * the reset did not come first. (A sign-in asks {@link #holdingPassword} instead.)
   */
  boolean stillHolds(Handle h, String userId, String verified) {
    return h.createQuery("SELECT password_hash FROM users WHERE id = :id" + dialect.forUpdate())
        .bind("id", userId)
        .map((rs, ctx) -> verified.equals(rs.getString(1)))
        .findOne()
        .orElse(false);
  }

  /**
   * The user, with the row locked until the transaction ends, while the password hash is still
   * {@code verified} (whatever the user's status); empty when it changed or the user is gone. One
   * query with the user's roles: a sign-in asks it of every account.
   */
  Optional<User> holdingPassword(Handle h, String userId, String verified) {
    String roles =
        switch (dialect) {
          case POSTGRESQL -> "string_agg(role, ',' ORDER BY role)";
          case MARIADB -> "GROUP_CONCAT(role ORDER BY role SEPARATOR ',')";
          // no order in the aggregate: sorted below, as SQLite's binary collation sorts
          case SQLITE -> "group_concat(role, ',')";
        };
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + ", password_hash, (SELECT "
                + roles
                + " FROM user_roles WHERE user_id = users.id) AS roles FROM users WHERE id = :id"
                + dialect.forUpdate())
        .bind("id", userId)
        .map(
            (rs, ctx) -> {
              if (!verified.equals(rs.getString("password_hash"))) {
                return null;
              }
              String all = rs.getString("roles");
              // role names have no commas; in the order of the other reads' ORDER BY role
              List<String> names = all == null ? List.of() : List.of(all.split(","));
              return row(rs)
                  .toUser(dialect == Dialect.SQLITE ? names.stream().sorted().toList() : names);
            })
        .findOne();
  }

  /**
   * Sets the password hash only while it is still {@code expected}; false when it changed
   * meanwhile.
   */
  boolean replacePasswordHash(Handle h, String userId, String expected, String hash, Instant now) {
    return h.createUpdate(
                "UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id AND password_hash = :expected")
            .bind("id", userId)
            .bind("hash", hash)
            .bind("expected", expected)
            .bind("now", now.toEpochMilli())
            .execute()
        == 1;
  }

  public void recordLogin(Handle h, String userId, Instant now) {
    Writes.update(h, "UPDATE users SET last_login_at = :now WHERE id = :id")
        .bind("id", userId)
        .bind("now", now.toEpochMilli())
        .execute();
  }

  /**
   * What a password check needs before the password is hashed: the account, its hash, and when its
   * sign-in lock was last lifted (null: never). One query, whether or not the name exists.
   */
  public record LoginCandidate(String userId, String passwordHash, Long unlockedAt) {}

  /**
   * The account an email or username names, as sign-in reads it: any case, surrounding spaces,
   * NFKC.
   */
  public Optional<LoginCandidate> loginCandidate(Handle h, String email, String username) {
    return candidate(
        h,
        email != null ? "email_norm" : "username",
        email != null ? Text.fold(email.strip()) : Username.normalize(username));
  }

  /** The same facts for a signed-in user who must give the current password. */
  public Optional<LoginCandidate> passwordCheck(Handle h, String userId) {
    return candidate(h, "id", userId);
  }

  private Optional<LoginCandidate> candidate(Handle h, String column, String value) {
    return h.createQuery(
            "SELECT id, password_hash, unlocked_at FROM users WHERE " + column + " = :v")
        .bind("v", value)
        .map(
            (rs, ctx) -> {
              long unlocked = rs.getLong(3);
              return new LoginCandidate(
                  rs.getString(1), rs.getString(2), rs.wasNull() ? null : unlocked);
            })
        .findOne();
  }

  /**
   * Lifts the user's sign-in lock (see {@link LoginCandidate#unlockedAt}); false when there is no
   * such user.
   */
  boolean unlock(Handle h, String userId, Instant now) {
    return h.createUpdate("UPDATE users SET unlocked_at = :now WHERE id = :id")
            .bind("id", userId)
            .bind("now", now.toEpochMilli())
            .execute()
        == 1;
  }

  /** The address of a user, for the notices about the account (null when the user is gone). */
  public String emailOf(Handle h, String userId) {
    return h.createQuery("SELECT email FROM users WHERE id = :id")
        .bind("id", userId)
        .mapTo(String.class)
        .findOne()
        .orElse(null);
  }

  public Optional<User> findById(Handle h, String id) {
    return one(h, "id = :v", id);
  }

  public Optional<User> findByEmail(Handle h, String email) {
    return one(h, "email_norm = :v", Text.fold(email));
  }

  public Optional<User> findByUsername(Handle h, String username) {
    return one(h, "username = :v", Username.normalize(username));
  }

  /**
   * Whether an account other than {@code exceptUserId} (null: any) holds {@code email}, or gave it
   * up after {@code releasedAfter} and so still has it reserved: both answer alike to whoever asks.
   */
  boolean emailTaken(Handle h, String email, String exceptUserId, Instant releasedAfter) {
    return h.createQuery("SELECT COUNT(*) FROM users WHERE email_norm = :v AND id <> :id")
                .bind("v", Text.fold(email))
                .bind("id", exceptUserId == null ? "" : exceptUserId)
                .mapTo(Integer.class)
                .one()
            > 0
        || EmailHistory.reservedForAnother(h, email, exceptUserId, releasedAfter);
  }

  boolean usernameTaken(Handle h, String username, String exceptUserId) {
    return h.createQuery("SELECT COUNT(*) FROM users WHERE username = :v AND id <> :id")
            .bind("v", username)
            .bind("id", exceptUserId == null ? "" : exceptUserId)
            .mapTo(Integer.class)
            .one()
        > 0;
  }

  /**
   * The active admins other than {@code userId}, with their rows locked until the transaction ends:
   * two admins demoting each other at once must not both succeed.
   */
  int countActiveAdminsOtherThan(Handle h, String userId) {
    List<String> admins =
        h.createQuery(
                "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id"
                    + " WHERE r.role = :admin AND u.status = 'active'"
                    + dialect.forUpdate())
            .bind("admin", Roles.ADMIN)
            .mapTo(String.class)
            .list();
    return (int) admins.stream().filter(id -> !id.equals(userId)).count();
  }

  void delete(Handle h, String userId) {
    // Children first: not every deployment's SQLite connection enforces ON DELETE CASCADE.
    h.createUpdate(
            "DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM sessions WHERE user_id = :id)")
        .bind("id", userId)
        .execute();
    for (String table : List.of("sessions", "api_keys", "one_time_tokens", "user_roles")) {
      h.createUpdate("DELETE FROM " + table + " WHERE user_id = :id").bind("id", userId).execute();
    }
    // The addresses the user gave up are free at once: nobody is left to come back to them.
    EmailHistory.deleteAll(h, userId);
    h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", userId).execute();
  }

  Page<User> list(Handle h, UserQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM users u WHERE 1 = 1");
    // With a prefix, walking the primary key in order and testing each row finds a page at once
    // when matches are spread through the table, but reads most of it when they sit together
    // (users imported or registered in one go): a page then costs a scan of the table, on SQLite
    // after
    // a cursor and on PostgreSQL whenever its estimate of the prefix is off. The id is hidden from
    // the planners behind an expression, so both read the three prefix indexes and sort what
    // matches: a cost that grows with the matches, not with the table.
    boolean steer = q.prefix() != null && dialect != Dialect.MARIADB;
    String id = !steer ? "u.id" : dialect == Dialect.SQLITE ? "+u.id" : "(u.id || '')";
    if (q.afterId() != null) {
      sql.append(" AND ").append(id).append(" > :after");
    }
    if (q.status() != null) {
      sql.append(" AND u.status = :status");
    }
    if (q.role() != null) {
      sql.append(
          " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = :role)");
    }
    if (q.prefix() != null) {
      // Three index ranges, never LIKE: each column is stored folded, so any case matches.
      sql.append(
          " AND ((u.email_norm >= :p AND u.email_norm < :pe) OR (u.username >= :p AND u.username < :pe)"
              + " OR (u.name_norm >= :p AND u.name_norm < :pe))");
    }
    // SQLite reads the indexes once the cursor is hidden; PostgreSQL must not see the order either.
    sql.append(" ORDER BY ")
        .append(dialect == Dialect.POSTGRESQL ? id : "u.id")
        .append(" LIMIT :limit");
    Query query = h.createQuery(sql.toString()).bind("limit", q.limit() + 1);
    if (q.afterId() != null) {
      query.bind("after", q.afterId());
    }
    if (q.status() != null) {
      query.bind("status", q.status().wire());
    }
    if (q.role() != null) {
      query.bind("role", q.role());
    }
    if (q.prefix() != null) {
      String p = Text.fold(q.prefix());
      query.bind("p", p).bind("pe", Text.prefixUpperBound(p));
    }
    Page<Row> page = Page.of(query.map((rs, ctx) -> row(rs)).list(), q.limit(), Row::id);
    Map<String, List<String>> roles = roles(h, page.items().stream().map(Row::id).toList());
    List<User> users = new ArrayList<>();
    for (Row r : page.items()) {
      users.add(r.toUser(roles.getOrDefault(r.id(), List.of())));
    }
    return new Page<>(users, page.nextAfterId());
  }

  /**
   * Inserts new users at once, with their password hashes (null: none), as one batch of statements
   * for the users and one for their roles: an import's write.
   */
  void insertAll(Handle h, List<User> users, List<String> passwordHashes) {
    if (users.isEmpty()) {
      return;
    }
    try (RowBatch batch =
            RowBatch.prepare(
                h,
                "INSERT INTO users (id, email, email_norm, email_verified, username, name, name_norm,"
                    + " status, password_hash, attributes, created_at, updated_at, last_login_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)");
        RowBatch roles =
            RowBatch.prepare(h, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)")) {
      for (int i = 0; i < users.size(); i++) {
        User u = users.get(i);
        batch
            .text(u.id())
            .text(u.email())
            .text(Text.fold(u.email()))
            .number(u.emailVerified() ? 1 : 0)
            .text(u.username())
            .text(u.name())
            .text(Text.fold(u.name()))
            .text(u.status().wire())
            .text(passwordHashes.get(i))
            .text(write(u.attributes()))
            .number(u.createdAt().toEpochMilli())
            .number(u.updatedAt().toEpochMilli())
            .add();
        for (String role : new TreeSet<>(u.roles())) {
          roles.text(u.id()).text(role).add();
        }
      }
      batch.execute();
      roles.execute();
    }
  }

  /** Which of {@code values} a row of {@code column} (email_norm, username or id) holds already. */
  Set<String> existing(Handle h, String column, Collection<String> values) {
    if (!Set.of("email_norm", "username", "id").contains(column)) {
      throw new IllegalArgumentException(column);
    }
    if (values.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        h.createQuery("SELECT " + column + " FROM users WHERE " + column + " IN (<values>)")
            .bindList("values", List.copyOf(values))
            .mapTo(String.class)
            .list());
  }

  /** A user as an export writes it: with the stored password hash. */
  public record Exported(User user, String passwordHash) {}

  /** Up to {@code limit} users after {@code afterId} (null: from the first), in id order. */
  List<Exported> exportPage(Handle h, String afterId, int limit) {
    Query q =
        h.createQuery(
                "SELECT "
                    + COLUMNS
                    + ", password_hash FROM users"
                    + (afterId == null ? "" : " WHERE id > :after")
                    + " ORDER BY id LIMIT :limit")
            .bind("limit", limit);
    if (afterId != null) {
      q.bind("after", afterId);
    }
    List<Map.Entry<Row, String>> rows =
        q
            .map(
                (rs, ctx) -> Map.entry(row(rs), Optional.ofNullable(rs.getString("password_hash"))))
            .list()
            .stream()
            .map(e -> Map.entry(e.getKey(), e.getValue().orElse("")))
            .toList();
    Map<String, List<String>> roles = roles(h, rows.stream().map(e -> e.getKey().id()).toList());
    List<Exported> out = new ArrayList<>(rows.size());
    for (Map.Entry<Row, String> e : rows) {
      Row r = e.getKey();
      out.add(
          new Exported(
              r.toUser(roles.getOrDefault(r.id(), List.of())),
              e.getValue().isEmpty() ? null : e.getValue()));
    }
    return out;
  }

  private Optional<User> one(Handle h, String where, String value) {
    Optional<Row> row =
        h.createQuery("SELECT " + COLUMNS + " FROM users WHERE " + where)
            .bind("v", value)
            .map((rs, ctx) -> row(rs))
            .findOne();
    return row.map(r -> r.toUser(roles(h, List.of(r.id())).getOrDefault(r.id(), List.of())));
  }

  private Map<String, List<String>> roles(Handle h, List<String> userIds) {
    Map<String, List<String>> out = new HashMap<>();
    if (userIds.isEmpty()) {
      return out;
    }
    h.createQuery("SELECT user_id, role FROM user_roles WHERE user_id IN (<ids>) ORDER BY role")
        .bindList("ids", userIds)
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
        .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return out;
  }

  private Row row(ResultSet rs) throws SQLException {
    long lastLogin = rs.getLong("last_login_at");
    boolean noLogin = rs.wasNull();
    return new Row(
        rs.getString("id"),
        rs.getString("email"),
        rs.getInt("email_verified") != 0,
        rs.getString("username"),
        rs.getString("name"),
        UserStatus.parse(rs.getString("status")).orElseThrow(),
        read(rs.getString("attributes")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        noLogin ? null : Instant.ofEpochMilli(lastLogin));
  }

  private record Row(
      String id,
      String email,
      boolean verified,
      String username,
      String name,
      UserStatus status,
      ObjectNode attributes,
      Instant created,
      Instant updated,
      Instant lastLogin) {
    User toUser(List<String> roles) {
      return new User(
          id,
          email,
          verified,
          username,
          name,
          status,
          roles,
          attributes,
          created,
          updated,
          lastLogin);
    }
  }

  String write(ObjectNode attributes) {
    try {
      return json.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private ObjectNode read(String attributes) {
    try {
      return (ObjectNode) json.readTree(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored attributes are not JSON", e);
    }
  }
}
