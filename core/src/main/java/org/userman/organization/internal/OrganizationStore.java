package org.userman.organization.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.userman.organization.Invitation;
import org.userman.organization.Member;
import org.userman.organization.Membership;
import org.userman.organization.Organization;
import org.userman.store.Dialect;

/**
 * SQL for organizations, their members and invitations. Every method runs on the caller's handle
 * (and transaction).
 */
public final class OrganizationStore {
  private static final String SELECT =
      "SELECT o.id, o.name, o.slug, o.created_at, o.updated_at,"
          + " (SELECT COUNT(*) FROM organization_members m WHERE m.organization_id = o.id)"
          + " AS members FROM organizations o";
  private static final String MEMBER =
      "SELECT m.organization_id, m.user_id, u.email, u.name, m.created_at FROM organization_members m"
          + " JOIN users u ON u.id = m.user_id";
  private static final String INVITATION =
      "SELECT id, organization_id, email, roles, invited_by, created_at, expires_at"
          + " FROM organization_invitations";

  private final Dialect dialect;

  public OrganizationStore(Dialect dialect) {
    this.dialect = dialect;
  }

  void insert(Handle h, Organization o) {
    h.createUpdate(
            "INSERT INTO organizations (id, name, slug, created_at, updated_at)"
                + " VALUES (:id, :name, :slug, :at, :at)")
        .bind("id", o.id())
        .bind("name", o.name())
        .bind("slug", o.slug())
        .bind("at", o.createdAt().toEpochMilli())
        .execute();
  }

  Optional<Organization> find(Handle h, String id) {
    return h.createQuery(SELECT + " WHERE o.id = :id")
        .bind("id", id)
        .map((rs, ctx) -> organization(rs))
        .findOne();
  }

  /**
   * Whether the organization exists, its row locked until the transaction ends: every change to its
   * members takes this lock first, so that two of them (two owners demoting each other, say) see
   * each other's result.
   */
  boolean lock(Handle h, String id) {
    return h.createQuery("SELECT 1 FROM organizations WHERE id = :id" + dialect.forUpdate())
        .bind("id", id)
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  /**
   * Whether the organization exists, its row share-locked until the transaction ends: what is made
   * for it (a service account) commits before a deletion of it can, or finds it gone.
   */
  boolean existsLocked(Handle h, String id) {
    return h.createQuery("SELECT 1 FROM organizations WHERE id = :id" + dialect.forShare())
        .bind("id", id)
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  /** Whether another organization than {@code exceptId} has the slug. */
  boolean slugTaken(Handle h, String slug, String exceptId) {
    return h.createQuery("SELECT id FROM organizations WHERE slug = :slug")
        .bind("slug", slug)
        .mapTo(String.class)
        .findOne()
        .filter(id -> !id.equals(exceptId))
        .isPresent();
  }

  void update(Handle h, String id, String name, String slug, Instant at) {
    h.createUpdate(
            "UPDATE organizations SET name = :name, slug = :slug, updated_at = :at WHERE id = :id")
        .bind("id", id)
        .bind("name", name)
        .bind("slug", slug)
        .bind("at", at.toEpochMilli())
        .execute();
  }

  void delete(Handle h, String id) {
    // the cascades remove members, their roles and invitations; spelled out all the same, for a
    // SQLite connection that runs without foreign keys
    h.createUpdate("DELETE FROM organization_member_roles WHERE organization_id = :id")
        .bind("id", id)
        .execute();
    h.createUpdate("DELETE FROM organization_members WHERE organization_id = :id")
        .bind("id", id)
        .execute();
    h.createUpdate("DELETE FROM organization_invitations WHERE organization_id = :id")
        .bind("id", id)
        .execute();
    h.createUpdate("DELETE FROM organizations WHERE id = :id").bind("id", id).execute();
  }

  List<Organization> page(Handle h, String afterId, int limit) {
    return h.createQuery(
            SELECT
                + (afterId == null ? "" : " WHERE o.id > :after")
                + " ORDER BY o.id LIMIT :limit")
        .bind("after", afterId)
        .bind("limit", limit)
        .map((rs, ctx) -> organization(rs))
        .list();
  }

  /** The organizations the user belongs to, by id, with the user's roles. */
  List<Membership> memberships(Handle h, String userId, String afterId, int limit) {
    List<Membership> rows =
        h.createQuery(
                "SELECT o.id, o.name, o.slug, o.created_at, o.updated_at, mm.created_at AS joined_at,"
                    + " (SELECT COUNT(*) FROM organization_members m WHERE m.organization_id = o.id)"
                    + " AS members FROM organization_members mm"
                    + " JOIN organizations o ON o.id = mm.organization_id WHERE mm.user_id = :user"
                    + (afterId == null ? "" : " AND o.id > :after")
                    + " ORDER BY o.id LIMIT :limit")
            .bind("user", userId)
            .bind("after", afterId)
            .bind("limit", limit)
            .map(
                (rs, ctx) ->
                    new Membership(
                        organization(rs), List.of(), Instant.ofEpochMilli(rs.getLong("joined_at"))))
            .list();
    if (rows.isEmpty()) {
      return rows;
    }
    Map<String, List<String>> roles = new HashMap<>();
    h.createQuery(
            "SELECT organization_id, role FROM organization_member_roles"
                + " WHERE user_id = :user AND organization_id IN (<orgs>)")
        .bind("user", userId)
        .bindList("orgs", rows.stream().map(m -> m.organization().id()).toList())
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
        .forEach(e -> roles.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return rows.stream()
        .map(
            m ->
                new Membership(
                    m.organization(),
                    sorted(roles.getOrDefault(m.organization().id(), List.of())),
                    m.joinedAt()))
        .toList();
  }

  /**
   * Whether {@code userId} belongs to no organization, or to one that {@code viewerId} belongs to
   * too: one query on the members' user index.
   */
  boolean seesProfile(Handle h, String viewerId, String userId) {
    return h.createQuery(
                "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM organization_members WHERE user_id = :user)"
                    + " OR EXISTS (SELECT 1 FROM organization_members t JOIN organization_members v"
                    + " ON v.organization_id = t.organization_id"
                    + " WHERE t.user_id = :user AND v.user_id = :viewer) THEN 1 ELSE 0 END")
            .bind("user", userId)
            .bind("viewer", viewerId)
            .mapTo(Integer.class)
            .one()
        == 1;
  }

  /** The user's roles in the organization; empty when the user is no member. */
  Optional<List<String>> roles(Handle h, String organizationId, String userId) {
    boolean member =
        h.createQuery(
                "SELECT 1 FROM organization_members WHERE organization_id = :org AND user_id = :user")
            .bind("org", organizationId)
            .bind("user", userId)
            .mapTo(Integer.class)
            .findOne()
            .isPresent();
    if (!member) {
      return Optional.empty();
    }
    return Optional.of(
        sorted(
            h.createQuery(
                    "SELECT role FROM organization_member_roles"
                        + " WHERE organization_id = :org AND user_id = :user")
                .bind("org", organizationId)
                .bind("user", userId)
                .mapTo(String.class)
                .list()));
  }

  Optional<Member> member(Handle h, String organizationId, String userId) {
    return h.createQuery(MEMBER + " WHERE m.organization_id = :org AND m.user_id = :user")
        .bind("org", organizationId)
        .bind("user", userId)
        .map((rs, ctx) -> member(rs, List.of()))
        .findOne()
        .map(m -> withRoles(h, List.of(m)).get(0));
  }

  List<Member> members(Handle h, String organizationId, String afterUserId, int limit) {
    List<Member> rows =
        h.createQuery(
                MEMBER
                    + " WHERE m.organization_id = :org"
                    + (afterUserId == null ? "" : " AND m.user_id > :after")
                    + " ORDER BY m.user_id LIMIT :limit")
            .bind("org", organizationId)
            .bind("after", afterUserId)
            .bind("limit", limit)
            .map((rs, ctx) -> member(rs, List.of()))
            .list();
    return withRoles(h, rows);
  }

  private List<Member> withRoles(Handle h, List<Member> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    Map<String, List<String>> roles = new HashMap<>();
    h.createQuery(
            "SELECT user_id, role FROM organization_member_roles"
                + " WHERE organization_id = :org AND user_id IN (<users>)")
        .bind("org", rows.get(0).organizationId())
        .bindList("users", rows.stream().map(Member::userId).toList())
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getString(2)))
        .forEach(e -> roles.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    return rows.stream()
        .map(
            m ->
                new Member(
                    m.organizationId(),
                    m.userId(),
                    m.email(),
                    m.name(),
                    sorted(roles.getOrDefault(m.userId(), List.of())),
                    m.joinedAt()))
        .toList();
  }

  /** Whether the user exists (an instance admin adds users by id). */
  boolean userExists(Handle h, String userId) {
    return h.createQuery("SELECT 1 FROM users WHERE id = :id")
        .bind("id", userId)
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  /** The user's address in folded form and whether it is verified; empty when the user is gone. */
  Optional<Map.Entry<String, Boolean>> verifiedEmail(Handle h, String userId) {
    return h.createQuery("SELECT email_norm, email_verified FROM users WHERE id = :id")
        .bind("id", userId)
        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2) != 0))
        .findOne();
  }

  /** Whether a member of the organization has this address (in folded form). */
  boolean memberWithEmail(Handle h, String organizationId, String emailNorm) {
    return h.createQuery(
            "SELECT 1 FROM organization_members m JOIN users u ON u.id = m.user_id"
                + " WHERE m.organization_id = :org AND u.email_norm = :email")
        .bind("org", organizationId)
        .bind("email", emailNorm)
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  void insertMember(Handle h, String organizationId, String userId, Instant at) {
    h.createUpdate(
            "INSERT INTO organization_members (organization_id, user_id, created_at)"
                + " VALUES (:org, :user, :at)")
        .bind("org", organizationId)
        .bind("user", userId)
        .bind("at", at.toEpochMilli())
        .execute();
  }

  void setRoles(Handle h, String organizationId, String userId, List<String> roles) {
    h.createUpdate(
            "DELETE FROM organization_member_roles WHERE organization_id = :org AND user_id = :user")
        .bind("org", organizationId)
        .bind("user", userId)
        .execute();
    var batch =
        h.prepareBatch(
            "INSERT INTO organization_member_roles (organization_id, user_id, role)"
                + " VALUES (:org, :user, :role)");
    for (String role : roles) {
      batch.bind("org", organizationId).bind("user", userId).bind("role", role).add();
    }
    if (!roles.isEmpty()) {
      batch.execute();
    }
  }

  void deleteMember(Handle h, String organizationId, String userId) {
    h.createUpdate(
            "DELETE FROM organization_member_roles WHERE organization_id = :org AND user_id = :user")
        .bind("org", organizationId)
        .bind("user", userId)
        .execute();
    h.createUpdate(
            "DELETE FROM organization_members WHERE organization_id = :org AND user_id = :user")
        .bind("org", organizationId)
        .bind("user", userId)
        .execute();
  }

  long count(Handle h, String organizationId, String role) {
    return h.createQuery(
            "SELECT COUNT(*) FROM organization_member_roles WHERE organization_id = :org AND role = :role")
        .bind("org", organizationId)
        .bind("role", role)
        .mapTo(Long.class)
        .one();
  }

  /** Stores an invitation, replacing the pending ones to its address and the expired ones. */
  void insertInvitation(Handle h, Invitation i, String emailNorm, String tokenHash, Instant now) {
    h.createUpdate(
            "DELETE FROM organization_invitations WHERE organization_id = :org"
                + " AND (email_norm = :email OR expires_at <= :now)")
        .bind("org", i.organizationId())
        .bind("email", emailNorm)
        .bind("now", now.toEpochMilli())
        .execute();
    h.createUpdate(
            "INSERT INTO organization_invitations (id, organization_id, email, email_norm, roles,"
                + " token_hash, invited_by, created_at, expires_at) VALUES (:id, :org, :email,"
                + " :emailNorm, :roles, :hash, :by, :at, :expires)")
        .bind("id", i.id())
        .bind("org", i.organizationId())
        .bind("email", i.email())
        .bind("emailNorm", emailNorm)
        .bind("roles", String.join(" ", i.roles()))
        .bind("hash", tokenHash)
        .bind("by", i.invitedBy())
        .bind("at", i.createdAt().toEpochMilli())
        .bind("expires", i.expiresAt().toEpochMilli())
        .execute();
  }

  List<Invitation> invitations(
      Handle h, String organizationId, Instant now, String afterId, int limit) {
    return h.createQuery(
            INVITATION
                + " WHERE organization_id = :org AND expires_at > :now"
                + (afterId == null ? "" : " AND id > :after")
                + " ORDER BY id LIMIT :limit")
        .bind("org", organizationId)
        .bind("now", now.toEpochMilli())
        .bind("after", afterId)
        .bind("limit", limit)
        .map((rs, ctx) -> invitation(rs))
        .list();
  }

  /** A usable invitation by its token's hash, with the folded address it went to. */
  Optional<Map.Entry<Invitation, String>> invitationByToken(
      Handle h, String tokenHash, Instant now) {
    return h.createQuery(
            "SELECT id, organization_id, email, roles, invited_by, created_at, expires_at,"
                + " email_norm FROM organization_invitations"
                + " WHERE token_hash = :hash AND expires_at > :now")
        .bind("hash", tokenHash)
        .bind("now", now.toEpochMilli())
        .map((rs, ctx) -> Map.entry(invitation(rs), rs.getString("email_norm")))
        .findOne();
  }

  /** Deletes an invitation of the organization; whether there was one. */
  boolean deleteInvitation(Handle h, String organizationId, String id) {
    return h.createUpdate(
                "DELETE FROM organization_invitations WHERE organization_id = :org AND id = :id")
            .bind("org", organizationId)
            .bind("id", id)
            .execute()
        == 1;
  }

  private static Organization organization(ResultSet rs) throws SQLException {
    return new Organization(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("slug"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        rs.getLong("members"));
  }

  private static Member member(ResultSet rs, List<String> roles) throws SQLException {
    return new Member(
        rs.getString("organization_id"),
        rs.getString("user_id"),
        rs.getString("email"),
        rs.getString("name"),
        roles,
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  private static Invitation invitation(ResultSet rs) throws SQLException {
    String roles = rs.getString("roles");
    return new Invitation(
        rs.getString("id"),
        rs.getString("organization_id"),
        rs.getString("email"),
        roles.isEmpty() ? List.of() : Arrays.asList(roles.split(" ")),
        rs.getString("invited_by"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")));
  }

  private static List<String> sorted(List<String> roles) {
    return List.copyOf(new TreeSet<>(roles));
  }
}
