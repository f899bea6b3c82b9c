package org.userman.account.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.userman.account.AccountSettings;
import org.userman.account.Accounts;
import org.userman.account.EmailHistoryEntry;
import org.userman.account.NewUser;
import org.userman.account.PublicProfile;
import org.userman.account.RegistrationPolicy;
import org.userman.account.User;
import org.userman.account.UserPatch;
import org.userman.account.UserQuery;
import org.userman.account.UserStatus;
import org.userman.apikey.internal.ApiKeyRevoker;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Identifiers;
import org.userman.common.Page;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.internal.Ids;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.mail.internal.Notices;
import org.userman.metrics.Instrumentation;
import org.userman.password.Password;
import org.userman.password.internal.PasswordHasher;
import org.userman.password.internal.PasswordPolicy;
import org.userman.role.internal.RoleCatalog;
import org.userman.session.internal.SessionControl;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;
import org.userman.store.internal.ReadCache;

/** Creating, reading, changing and deleting accounts, with the rules that guard them. */
public final class AccountService implements Accounts {
  private final Database db;
  private final AccountStore store;
  private final SessionControl sessions;
  private final ApiKeyRevoker apiKeys;
  private final OneTimeTokens tokens;
  private final SignInGuard guard;
  private final Notices notices;
  private final PasswordHasher hasher;
  private final PasswordPolicy policy;
  private final EmailVerificationService verifications;
  private final AccountSettings settings;
  private final ObjectMapper json;
  private final Clock clock;
  private final Ids ids;
  private final AuditLogService audit;
  private final RateLimiter limiter;
  private final EmailHistory history;
  private final RoleCatalog roles;

  /** Users by id, read on most requests (the caller's own), while nothing has been written. */
  private final ReadCache<String, User> byId;

  public AccountService(
      Database db,
      AccountStore store,
      SessionControl sessions,
      ApiKeyRevoker apiKeys,
      OneTimeTokens tokens,
      SignInGuard guard,
      Notices notices,
      PasswordHasher hasher,
      PasswordPolicy policy,
      EmailVerificationService verifications,
      AccountSettings settings,
      ObjectMapper json,
      Clock clock,
      Ids ids,
      AuditLogService audit,
      RateLimiter limiter,
      EmailHistory history,
      RoleCatalog roles,
      Instrumentation instrumentation) {
    this.history = history;
    this.roles = roles;
    this.audit = audit;
    this.limiter = limiter;
    this.db = db;
    this.byId = new ReadCache<>(db.changes(), 100_000, "users", instrumentation);
    this.store = store;
    this.sessions = sessions;
    this.apiKeys = apiKeys;
    this.tokens = tokens;
    this.guard = guard;
    this.notices = notices;
    this.hasher = hasher;
    this.policy = policy;
    this.verifications = verifications;
    this.settings = settings;
    this.json = json;
    this.clock = clock;
    this.ids = ids;
  }

  /**
   * Registers a user. Anyone may, unless registration is closed; only admins ({@code byAdmin}) set
   * status, roles or the verified flag.
   */
  @Override
  public User create(NewUser n, boolean byAdmin, Actor actor) {
    if (!byAdmin && n.setsAdminFields()) {
      throw new UsermanException(
          ErrorCode.FORBIDDEN, "Only admins may set status, roles or email_verified.");
    }
    if (!byAdmin && settings.registration() == RegistrationPolicy.CLOSED) {
      throw new UsermanException(
          ErrorCode.REGISTRATION_CLOSED, "Registration is closed; an admin creates accounts.");
    }
    if (!byAdmin) {
      limiter.consume(LimitRule.REGISTRATION_PER_IP, actor.client().ip(), actor, null);
    }
    List<FieldError> errors = new ArrayList<>();
    Email.check("email", n.email()).ifPresent(errors::add);
    UserFields.checkName(errors, n.name());
    UserFields.checkUsername(errors, n.username());
    UserFields.checkAttributes(errors, store, n.attributes());
    UserFields.checkRoles(errors, n.roles());
    if (n.password() == null) {
      errors.add(FieldError.required("password"));
    } else {
      errors.addAll(policy.check("password", n.password(), n.email(), n.username(), n.name()));
    }
    ValidationException.throwIfAny(errors);

    Email email = Email.parse("email", n.email());
    String username = n.username() == null ? null : Username.normalize(n.username());
    String hash = hasher.hash(n.password());
    Instant now = clock.instant();
    UserStatus status =
        n.status() != null ? n.status() : byAdmin ? UserStatus.ACTIVE : initialStatus();
    boolean verified = Boolean.TRUE.equals(n.emailVerified());
    User user =
        new User(
            ids.next(),
            email.value(),
            verified,
            username,
            UserFields.cleanName(n.name()),
            status,
            n.roles() == null ? List.of() : List.copyOf(new TreeSet<>(n.roles())),
            n.attributes() == null ? json.createObjectNode() : n.attributes(),
            now,
            now,
            null);
    try {
      db.tx(
          h -> {
            if (store.emailTaken(h, email.value(), null, releasedAfter())) {
              throw emailTaken();
            }
            if (username != null && store.usernameTaken(h, username, null)) {
              throw new UsermanException(ErrorCode.USERNAME_TAKEN, "This username is taken.");
            }
            roles.requireKnown(h, "roles", user.roles());
            store.insert(h, user, hash);
            requireNotReserved(h, email.value(), user.id());
            if (!verified) {
              // the verification mail is queued with the account: both commit or neither
              verifications.queueVerification(h, user);
            }
            audit.record(
                h,
                AuditType.REGISTERED,
                byAdmin ? actor : actor.as(user.id()),
                user.id(),
                Map.of("status", user.status().wire(), "by", byAdmin ? "admin" : "self"));
            return null;
          });
    } catch (RuntimeException e) {
      throw takenOr(e, email.value(), username);
    }
    if (!verified) {
      verifications.nudge();
    }
    return user;
  }

  private UserStatus initialStatus() {
    return settings.registration() == RegistrationPolicy.OPEN
        ? UserStatus.ACTIVE
        : UserStatus.PENDING;
  }

  /** A unique-index race lost to a concurrent write becomes the same 409 as the check before it. */
  private RuntimeException takenOr(RuntimeException e, String email, String username) {
    if (!Dialect.isUniqueViolation(e)) {
      return e;
    }
    boolean emailTaken =
        email != null && db.read(h -> store.emailTaken(h, email, null, releasedAfter()));
    return emailTaken || username == null
        ? emailTaken()
        : new UsermanException(ErrorCode.USERNAME_TAKEN, "This username is taken.");
  }

  /** The answer for an address in use and for one reserved for its former owner: the same. */
  static UsermanException emailTaken() {
    return new UsermanException(ErrorCode.EMAIL_TAKEN, "An account with this email exists.");
  }

  /** Addresses given up after this instant are still reserved for their former owners. */
  private Instant releasedAfter() {
    return clock.instant().minus(settings.emailReservation());
  }

  /**
   * Checks, after writing {@code email} as {@code userId}'s, that nobody else gave it up meanwhile:
   * the check before the write may have run just before the former owner's change committed, but
   * this read (read committed) runs after our write, which waited for theirs on the unique index.
   */
  private void requireNotReserved(Handle h, String email, String userId) {
    if (EmailHistory.reservedForAnother(h, email, userId, releasedAfter())) {
      throw emailTaken();
    }
  }

  @Override
  public Optional<User> find(String id) {
    if (!Identifiers.looksLikeId(id)) {
      return Optional.empty();
    }
    return byId.get(id, key -> db.read(h -> store.findById(h, key)));
  }

  @Override
  public User get(String id) {
    return find(id).orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
  }

  @Override
  public PublicProfile publicProfile(String id) {
    User u =
        find(id)
            .filter(x -> x.status() == UserStatus.ACTIVE)
            .orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
    ObjectNode all = u.attributes();
    ObjectNode shown = json.createObjectNode();
    for (String name : settings.publicAttributes()) {
      if (all.has(name)) {
        shown.set(name, all.get(name));
      }
    }
    return new PublicProfile(u.id(), u.username(), u.name(), shown);
  }

  @Override
  public Optional<User> findByEmail(String email) {
    return db.read(h -> store.findByEmail(h, email));
  }

  /** Finds a user by id or email, as the command line names them. */
  @Override
  public Optional<User> findByIdOrEmail(String idOrEmail) {
    return idOrEmail.indexOf('@') >= 0 ? findByEmail(idOrEmail) : find(idOrEmail);
  }

  @Override
  public boolean isAdmin(String userId) {
    return find(userId).map(User::isAdmin).orElse(false);
  }

  @Override
  public Page<User> list(UserQuery query) {
    return db.read(h -> store.list(h, query));
  }

  /** What a user may change on their own account: name, username and attributes. */
  @Override
  public User updateProfile(String userId, UserPatch patch, Actor actor) {
    if (!patch.isSelfService()) {
      throw new UsermanException(ErrorCode.FORBIDDEN, "Only admins change these fields.");
    }
    return update(userId, patch, actor);
  }

  /**
   * Changes any field. A new password, and disabling, end every session, API key and pending mailed
   * token of the user at once; a new email ends the mailed tokens, and the old address is told; the
   * last active admin cannot be disabled or demoted.
   */
  @Override
  public User update(String userId, UserPatch p, Actor actor) {
    User before = get(userId);
    List<FieldError> errors = new ArrayList<>();
    if (p.email() != null) {
      Email.check("email", p.email()).ifPresent(errors::add);
    }
    UserFields.checkName(errors, p.name());
    UserFields.checkUsername(errors, p.username());
    UserFields.checkRoles(errors, p.roles());
    if (p.attributes() != null) {
      UserFields.checkAttributes(
          errors, store, UserFields.merge(before.attributes(), p.attributes()));
    }
    if (p.password() != null) {
      errors.addAll(
          policy.check(
              "password",
              p.password(),
              p.email() != null ? p.email() : before.email(),
              p.username() != null ? p.username() : before.username(),
              p.name() != null ? p.name() : before.name()));
    }
    ValidationException.throwIfAny(errors);
    String newHash = p.password() == null ? null : hasher.hash(p.password());
    String email = p.email() == null ? null : Email.parse("email", p.email()).value();
    String username = p.username() == null ? null : Username.normalize(p.username());
    User updated;
    try {
      updated =
          db.tx(
              h -> {
                User cur =
                    store
                        .findById(h, userId)
                        .orElseThrow(
                            () -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
                Instant now = clock.instant();
                boolean emailChanged = email != null && !email.equals(cur.email());
                if (emailChanged && store.emailTaken(h, email, userId, releasedAfter())) {
                  throw emailTaken();
                }
                boolean backToPrevious =
                    emailChanged
                        && !org.userman.common.Text.fold(email)
                            .equals(org.userman.common.Text.fold(cur.email()))
                        && EmailHistory.heldBefore(h, userId, email);
                if (username != null && store.usernameTaken(h, username, userId)) {
                  throw new UsermanException(ErrorCode.USERNAME_TAKEN, "This username is taken.");
                }
                List<String> nextRoles =
                    p.roles() == null ? cur.roles() : List.copyOf(new TreeSet<>(p.roles()));
                // only the roles given anew must exist: one held already stays assignable
                TreeSet<String> added = new TreeSet<>(nextRoles);
                added.removeAll(cur.roles());
                roles.requireKnown(h, "roles", added);
                User next =
                    new User(
                        cur.id(),
                        emailChanged ? email : cur.email(),
                        p.emailVerified() != null
                            ? p.emailVerified()
                            : !emailChanged && cur.emailVerified(),
                        p.clearUsername() ? null : username != null ? username : cur.username(),
                        p.name() != null ? UserFields.cleanName(p.name()) : cur.name(),
                        p.status() != null ? p.status() : cur.status(),
                        nextRoles,
                        p.attributes() != null
                            ? UserFields.merge(cur.attributes(), p.attributes())
                            : cur.attributes(),
                        cur.createdAt(),
                        now,
                        cur.lastLoginAt());
                guardLastAdmin(h, cur, next);
                if (emailChanged) {
                  history.release(h, cur, email, now);
                }
                store.update(h, next);
                if (emailChanged) {
                  requireNotReserved(h, email, userId);
                }
                if (p.roles() != null) {
                  store.setRoles(h, userId, nextRoles);
                }
                boolean disabled =
                    next.status() == UserStatus.DISABLED && cur.status() != UserStatus.DISABLED;
                if (newHash != null) {
                  store.setPasswordHash(h, userId, newHash, now);
                }
                if (newHash != null || disabled) {
                  // Recovery, or an account taken away: nothing set up with the old password lasts.
                  endEverything(h, userId, now);
                }
                if (emailChanged) {
                  // What was mailed to the old address proves nothing about the new one.
                  tokens.revokeAll(h, userId);
                  notices.emailChanged(h, cur.email(), next.email());
                }
                if (newHash != null) {
                  notices.passwordChanged(h, next.email(), false, true);
                }
                recordChanges(h, actor, cur, next, newHash != null, backToPrevious);
                return next;
              });
    } catch (RuntimeException e) {
      throw takenOr(e, email, username);
    }
    if (newHash != null || email != null) {
      notices.nudge();
    }
    return updated;
  }

  /**
   * Ends every session, API key and pending mailed token of the user, in the caller's transaction.
   */
  static void endEverything(
      Handle h,
      SessionControl sessions,
      ApiKeyRevoker apiKeys,
      OneTimeTokens tokens,
      String userId,
      Instant now) {
    sessions.revokeAll(h, userId, null, now);
    apiKeys.deleteAll(h, userId);
    tokens.revokeAll(h, userId);
  }

  private void endEverything(Handle h, String userId, Instant now) {
    endEverything(h, sessions, apiKeys, tokens, userId, now);
  }

  /** One audit event for each kind of change, in the transaction of the change. */
  private void recordChanges(
      Handle h, Actor actor, User cur, User next, boolean passwordSet, boolean backToPrevious) {
    if (cur.status() != next.status()) {
      AuditType type =
          next.status() == UserStatus.DISABLED
              ? AuditType.DISABLED
              : cur.status() == UserStatus.PENDING
                  ? AuditType.APPROVED
                  : cur.status() == UserStatus.DISABLED
                      ? AuditType.ENABLED
                      : AuditType.PROFILE_UPDATED;
      audit.record(
          h,
          type,
          actor,
          cur.id(),
          Map.of("status", next.status().wire(), "previous_status", cur.status().wire()));
    }
    if (!cur.roles().equals(next.roles())) {
      audit.record(
          h,
          AuditType.ROLES_CHANGED,
          actor,
          cur.id(),
          Map.of(
              "roles",
              String.join(",", next.roles()),
              "previous_roles",
              String.join(",", cur.roles())));
    }
    if (!cur.email().equals(next.email())) {
      audit.record(h, AuditType.EMAIL_CHANGED, actor, cur.id(), emailChangeDetails(backToPrevious));
    }
    if (passwordSet) {
      audit.record(h, AuditType.PASSWORD_CHANGED, actor, cur.id(), Map.of("how", "set"));
    }
    Map<String, String> fields = new LinkedHashMap<>();
    if (!java.util.Objects.equals(cur.username(), next.username())) {
      fields.put("username", "changed");
    }
    if (!cur.name().equals(next.name())) {
      fields.put("name", "changed");
    }
    if (!cur.attributes().equals(next.attributes())) {
      fields.put("attributes", "changed");
    }
    if (cur.emailVerified() != next.emailVerified()) {
      fields.put("email_verified", String.valueOf(next.emailVerified()));
    }
    if (!fields.isEmpty()) {
      audit.record(h, AuditType.PROFILE_UPDATED, actor, cur.id(), fields);
    }
  }

  /** An email change's audit details: whether the user came back to an address they held before. */
  static Map<String, String> emailChangeDetails(boolean backToPrevious) {
    return backToPrevious ? Map.of("previous_address", "true") : Map.of();
  }

  private void guardLastAdmin(Handle h, User cur, User next) {
    if (cur.isActiveAdmin()
        && (next == null || !next.isActiveAdmin())
        && store.countActiveAdminsOtherThan(h, cur.id()) == 0) {
      throw new UsermanException(
          ErrorCode.LAST_ADMIN, "This is the last active admin; make another admin first.");
    }
  }

  @Override
  public void delete(String userId, Actor actor) {
    db.tx(
        h -> {
          User cur =
              store
                  .findById(h, userId)
                  .orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
          guardLastAdmin(h, cur, null);
          store.delete(h, userId);
          audit.record(h, AuditType.DELETED, actor, userId, Map.of());
          return null;
        });
  }

  /**
   * A signed-in user's password change: the current password is required (and counts against the
   * sign-in limit when wrong); the other sessions and a pending email change end, API keys stay.
   */
  @Override
  public void changePassword(
      String userId, String keepSessionId, Password current, Password next, Actor actor) {
    User user = get(userId);
    String verified =
        guard.checkCurrentPassword(userId, current, AuditType.PASSWORD_CHANGED, actor);
    ValidationException.throwIfAny(
        policy.check("new_password", next, user.email(), user.username(), user.name()));
    String hash = hasher.hash(next);
    db.tx(
        h -> {
          Instant now = clock.instant();
          sessions.requireLive(h, keepSessionId, now);
          // Only over the password just checked: a reset that committed meanwhile wins.
          if (!store.replacePasswordHash(h, userId, verified, hash, now)) {
            throw new UsermanException(
                ErrorCode.WRONG_CURRENT_PASSWORD, "The current password is wrong.");
          }
          sessions.revokeAll(h, userId, keepSessionId, now);
          tokens.revoke(h, userId, java.util.Set.of(OneTimeTokens.Kind.CHANGE_EMAIL));
          notices.passwordChanged(h, user.email(), false, false);
          audit.record(
              h, AuditType.PASSWORD_CHANGED, actor, userId, Map.of("how", "current_password"));
          return null;
        });
    notices.nudge();
  }

  /**
   * Sets a password without the old one (operators): every session, API key and mailed token of the
   * user ends.
   */
  @Override
  public void setPassword(String userId, Password password, Actor actor) {
    update(userId, new UserPatch(null, null, null, false, null, null, null, null, password), actor);
  }

  /**
   * Sends a confirmation mail to {@code newEmail}; the address changes when it is confirmed.
   * Limited per user, and per target address with the verification mails, so nobody mails a
   * stranger often.
   */
  @Override
  public void requestEmailChange(String userId, String newEmail, Password current, Actor actor) {
    Email email = Email.parse("email", newEmail);
    User user = get(userId);
    limiter.consume(LimitRule.EMAIL_CHANGE_PER_USER, userId, actor, userId);
    String verified = guard.checkCurrentPassword(userId, current, AuditType.EMAIL_CHANGED, actor);
    if (email.normalized().equals(org.userman.common.Text.fold(user.email()))) {
      return;
    }
    if (db.read(h -> store.emailTaken(h, email.value(), userId, releasedAfter()))) {
      throw emailTaken();
    }
    limiter.consume(LimitRule.VERIFICATION_PER_EMAIL, email.normalized(), actor, userId);
    verifications.sendChange(user, email.value(), verified, actor);
  }

  @Override
  public Page<EmailHistoryEntry> emailHistory(String userId, int limit, String afterKey) {
    if (!Identifiers.looksLikeId(userId)) {
      throw new UsermanException(ErrorCode.NOT_FOUND, "No such user.");
    }
    return db.read(
        h ->
            EmailHistory.list(
                h,
                store
                    .findById(h, userId)
                    .orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such user.")),
                afterKey,
                limit));
  }

  /** Lifts the user's sign-in lock at once (an operator's call); audited. */
  @Override
  public void unlock(String userId, Actor actor) {
    guard.unlock(get(userId).id(), actor);
  }
}
