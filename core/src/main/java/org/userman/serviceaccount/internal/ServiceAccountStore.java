package org.userman.serviceaccount.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.userman.serviceaccount.ClientSecret;
import org.userman.serviceaccount.ServiceAccount;
import org.userman.store.Dialect;
import org.userman.store.internal.Rows;

/** SQL for service accounts, their roles and their client secrets, on the caller's handle. */
public final class ServiceAccountStore {
  private final Dialect dialect;

  /** What a secret's use needs: whose it is, until when, and the account's status now. */
  record SecretCheck(
      String secretId,
      String serviceAccountId,
      Instant expiresAt,
      Instant lastUsedAt,
      String accountStatus) {}

  public ServiceAccountStore(Dialect dialect) {
    this.dialect = dialect;
  }

  void insert(Handle h, ServiceAccount a) {
    h.createUpdate(
            "INSERT INTO service_accounts (id, name, description, status, created_at, updated_at,"
                + " organization_id) VALUES (:id, :name, :description, :status, :created,"
                + " :updated, :organization)")
        .bind("id", a.id())
        .bind("name", a.name())
        .bind("description", a.description())
        .bind("status", a.status())
        .bind("created", a.createdAt().toEpochMilli())
        .bind("updated", a.updatedAt().toEpochMilli())
        .bind("organization", a.organizationId())
        .execute();
    insertRoles(h, a.id(), a.roles());
  }

  void update(Handle h, ServiceAccount a) {
    h.createUpdate(
            "UPDATE service_accounts SET name = :name, description = :description,"
                + " status = :status, updated_at = :updated WHERE id = :id")
        .bind("id", a.id())
        .bind("name", a.name())
        .bind("description", a.description())
        .bind("status", a.status())
        .bind("updated", a.updatedAt().toEpochMilli())
        .execute();
    h.createUpdate("DELETE FROM service_account_roles WHERE service_account_id = :id")
        .bind("id", a.id())
        .execute();
    insertRoles(h, a.id(), a.roles());
  }

  private static void insertRoles(Handle h, String id, Collection<String> roles) {
    if (roles.isEmpty()) {
      return;
    }
    var batch =
        h.prepareBatch(
            "INSERT INTO service_account_roles (service_account_id, role) VALUES (:id, :role)");
    for (String role : roles) {
      batch.bind("id", id).bind("role", role).add();
    }
    batch.execute();
  }

  boolean nameTaken(Handle h, String name, String exceptId) {
    return h.createQuery("SELECT id FROM service_accounts WHERE name = :name")
        .bind("name", name)
        .mapTo(String.class)
        .findOne()
        .filter(id -> !id.equals(exceptId))
        .isPresent();
  }

  /** The account; with {@code lock}, its row stays locked until the transaction ends. */
  Optional<ServiceAccount> find(Handle h, String id, boolean lock) {
    Optional<ServiceAccount> found =
        h.createQuery(
                "SELECT "
                    + COLUMNS
                    + " FROM service_accounts WHERE id = :id"
                    + (lock ? dialect.forUpdate() : ""))
            .bind("id", id)
            .map((rs, ctx) -> row(rs, List.of()))
            .findOne();
    return found.map(a -> withRoles(a, roles(h, List.of(a.id())).getOrDefault(a.id(), List.of())));
  }

  List<ServiceAccount> page(Handle h, String afterName, int limit) {
    List<ServiceAccount> found =
        h.createQuery(
                "SELECT "
                    + COLUMNS
                    + " FROM service_accounts"
                    + (afterName == null ? "" : " WHERE name > :after")
                    + " ORDER BY name LIMIT :limit")
            .bind("after", afterName)
            .bind("limit", limit)
            .map((rs, ctx) -> row(rs, List.of()))
            .list();
    if (found.isEmpty()) {
      return found;
    }
    Map<String, List<String>> roles = roles(h, found.stream().map(ServiceAccount::id).toList());
    return found.stream().map(a -> withRoles(a, roles.getOrDefault(a.id(), List.of()))).toList();
  }

  boolean delete(Handle h, String id) {
    return h.createUpdate("DELETE FROM service_accounts WHERE id = :id").bind("id", id).execute()
        == 1;
  }

  /** The roles of each of the accounts, sorted. */
  Map<String, List<String>> roles(Handle h, List<String> ids) {
    Map<String, List<String>> out = new HashMap<>();
    h.createQuery(
            "SELECT service_account_id, role FROM service_account_roles"
                + " WHERE service_account_id IN (<ids>) ORDER BY role")
        .bindList("ids", ids)
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
        .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return out;
  }

  /** The status and roles of one account, for the checks of each request. */
  Optional<AccountCheck> accountCheck(Handle h, String id) {
    return h.createQuery("SELECT status, organization_id FROM service_accounts WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2)})
        .findOne()
        .map(
            row ->
                new AccountCheck(
                    row[0], roles(h, List.of(id)).getOrDefault(id, List.of()), row[1]));
  }

  /** What each request's check of an account reads. */
  record AccountCheck(String status, List<String> roles, String organizationId) {
    AccountCheck {
      roles = List.copyOf(roles);
    }
  }

  long countHolding(Handle h, String role) {
    return h.createQuery("SELECT COUNT(*) FROM service_account_roles WHERE role = :role")
        .bind("role", role)
        .mapTo(Long.class)
        .one();
  }

  /** The accounts that hold {@code role}, their rows locked until the transaction ends. */
  List<String> holding(Handle h, String role) {
    return h.createQuery(
            "SELECT a.id FROM service_accounts a JOIN service_account_roles r"
                + " ON r.service_account_id = a.id WHERE r.role = :role ORDER BY a.id"
                + dialect.forUpdate())
        .bind("role", role)
        .mapTo(String.class)
        .list();
  }

  void removeRole(Handle h, String id, String role, Instant now) {
    h.createUpdate(
            "DELETE FROM service_account_roles WHERE service_account_id = :id AND role = :role")
        .bind("id", id)
        .bind("role", role)
        .execute();
    h.createUpdate("UPDATE service_accounts SET updated_at = :now WHERE id = :id")
        .bind("id", id)
        .bind("now", now.toEpochMilli())
        .execute();
  }

  void insertSecret(Handle h, ClientSecret s, String hash) {
    h.createUpdate(
            "INSERT INTO client_secrets (id, service_account_id, name, prefix, secret_hash,"
                + " created_at, expires_at) VALUES (:id, :account, :name, :prefix, :hash,"
                + " :created, :expires)")
        .bind("id", s.id())
        .bind("account", s.serviceAccountId())
        .bind("name", s.name())
        .bind("prefix", s.prefix())
        .bind("hash", hash)
        .bind("created", s.createdAt().toEpochMilli())
        .bind("expires", s.expiresAt() == null ? null : s.expiresAt().toEpochMilli())
        .execute();
  }

  List<ClientSecret> secrets(Handle h, String id) {
    return h.createQuery(
            "SELECT id, service_account_id, name, prefix, created_at, last_used_at, expires_at"
                + " FROM client_secrets WHERE service_account_id = :id ORDER BY created_at, id")
        .bind("id", id)
        .map(
            (rs, ctx) ->
                new ClientSecret(
                    rs.getString("id"),
                    rs.getString("service_account_id"),
                    rs.getString("name"),
                    rs.getString("prefix"),
                    Instant.ofEpochMilli(rs.getLong("created_at")),
                    Rows.instantOrNull(rs, "last_used_at"),
                    Rows.instantOrNull(rs, "expires_at")))
        .list();
  }

  int countSecrets(Handle h, String id) {
    return h.createQuery("SELECT COUNT(*) FROM client_secrets WHERE service_account_id = :id")
        .bind("id", id)
        .mapTo(Integer.class)
        .one();
  }

  boolean deleteSecret(Handle h, String id, String secretId) {
    return h.createUpdate(
                "DELETE FROM client_secrets WHERE id = :secret AND service_account_id = :id")
            .bind("id", id)
            .bind("secret", secretId)
            .execute()
        == 1;
  }

  /** The secret found by its hash ({@code byHash}) or by its id, with its account's status. */
  Optional<SecretCheck> secretCheck(Handle h, boolean byHash, String value) {
    return h.createQuery(
            "SELECT s.id, s.service_account_id, s.expires_at, s.last_used_at, a.status"
                + " FROM client_secrets s JOIN service_accounts a ON a.id = s.service_account_id"
                + (byHash ? " WHERE s.secret_hash = :v" : " WHERE s.id = :v"))
        .bind("v", value)
        .map(
            (rs, ctx) ->
                new SecretCheck(
                    rs.getString(1),
                    rs.getString(2),
                    Rows.instantOrNull(rs, "expires_at"),
                    Rows.instantOrNull(rs, "last_used_at"),
                    rs.getString(5)))
        .findOne();
  }

  void touchSecret(Handle h, String secretId, Instant now) {
    h.createUpdate("UPDATE client_secrets SET last_used_at = :now WHERE id = :id")
        .bind("id", secretId)
        .bind("now", now.toEpochMilli())
        .execute();
  }

  private static ServiceAccount withRoles(ServiceAccount a, List<String> roles) {
    return new ServiceAccount(
        a.id(),
        a.name(),
        a.description(),
        a.status(),
        roles,
        a.createdAt(),
        a.updatedAt(),
        a.organizationId());
  }

  /** What {@link #row} reads. */
  private static final String COLUMNS =
      "id, name, description, status, created_at, updated_at, organization_id";

  private static ServiceAccount row(ResultSet rs, List<String> roles) throws SQLException {
    return new ServiceAccount(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("description"),
        rs.getString("status"),
        roles,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        rs.getString("organization_id"));
  }
}
