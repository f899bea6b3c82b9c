package org.userman.serviceaccount.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Identifiers;
import org.userman.common.Page;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.internal.Ids;
import org.userman.internal.Secrets;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.metrics.Instrumentation;
import org.userman.role.Roles;
import org.userman.role.internal.RoleCatalog;
import org.userman.role.internal.RoleHolders;
import org.userman.serviceaccount.ClientSecret;
import org.userman.serviceaccount.ClientToken;
import org.userman.serviceaccount.CreatedClientSecret;
import org.userman.serviceaccount.ServiceAccount;
import org.userman.serviceaccount.ServiceAccountPatch;
import org.userman.serviceaccount.ServiceAccounts;
import org.userman.session.internal.AccessTokens;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;
import org.userman.store.internal.ReadCache;

/**
 * Service accounts and the client credentials grant. A secret is {@code umsa_} and 43 random
 * URL-safe characters; only its SHA-256 is stored (a secret of 256 random bits needs no slow hash:
 * nobody can guess one, and the lookup by hash compares no secret byte by byte). The checks that
 * every grant and every request make (a secret's state, an account's status and roles) are read
 * through {@link ReadCache}s, which any write on any node ends, so a revoked secret or a disabled
 * account is refused at its next use everywhere.
 */
public final class ServiceAccountService implements ServiceAccounts, RoleHolders {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final int MAX_DESCRIPTION = 200;
  private static final int MAX_SECRET_NAME = 100;
  private static final int MAX_SECRET_LENGTH = 200;
  private static final int SHOWN_PREFIX = SECRET_PREFIX.length() + 8;

  /** A secret's last use is written at most this often, not at every grant. */
  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  private final Database db;
  private final ServiceAccountStore store;
  private final RoleCatalog roles;
  private final AccessTokens tokens;
  private final RateLimiter limiter;
  private final OrganizationCheck organizations;
  private final AuditLogService audit;
  private final Secrets secrets;
  private final Ids ids;
  private final Clock clock;
  private final ReadCache<String, ServiceAccountStore.SecretCheck> secretsByHash;
  private final ReadCache<String, ServiceAccountStore.SecretCheck> secretsById;
  private final ReadCache<String, ServiceAccountStore.AccountCheck> accounts;

  /** Whether an organization exists, locked against its deletion in the caller's transaction. */
  @FunctionalInterface
  public interface OrganizationCheck {
    boolean exists(org.jdbi.v3.core.Handle h, String organizationId);
  }

  /** A secret that checked out: the account it belongs to, and which of its secrets it is. */
  public record SecretUse(String serviceAccountId, String secretId) {}

  public ServiceAccountService(
      Database db,
      ServiceAccountStore store,
      RoleCatalog roles,
      AccessTokens tokens,
      RateLimiter limiter,
      AuditLogService audit,
      Secrets secrets,
      Ids ids,
      Clock clock,
      Instrumentation instrumentation,
      OrganizationCheck organizations) {
    this.organizations = organizations;
    this.db = db;
    this.store = store;
    this.roles = roles;
    this.tokens = tokens;
    this.limiter = limiter;
    this.audit = audit;
    this.secrets = secrets;
    this.ids = ids;
    this.clock = clock;
    this.secretsByHash = new ReadCache<>(db.changes(), 10_000, "client_secrets", instrumentation);
    this.secretsById =
        new ReadCache<>(db.changes(), 10_000, "client_secrets_by_id", instrumentation);
    this.accounts = new ReadCache<>(db.changes(), 10_000, "service_accounts", instrumentation);
  }

  /** Whether {@code credential} has the shape of a client secret (to tell it from other keys). */
  public static boolean looksLikeSecret(String credential) {
    return credential.startsWith(SECRET_PREFIX);
  }

  @Override
  public ServiceAccount create(
      String name, String description, List<String> roleNames, String organizationId, Actor actor) {
    List<FieldError> errors = new ArrayList<>();
    if (name == null) {
      errors.add(FieldError.required("name"));
    } else {
      checkName(name, errors);
    }
    checkDescription(description, errors);
    List<String> held = checkRoles(roleNames == null ? List.of() : roleNames, errors);
    ValidationException.throwIfAny(errors);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    ServiceAccount account =
        new ServiceAccount(
            ids.next(),
            name,
            description == null ? "" : description,
            ACTIVE,
            held,
            now,
            now,
            organizationId);
    try {
      db.tx(
          h -> {
            if (store.nameTaken(h, name, null)) {
              throw taken();
            }
            roles.requireKnown(h, "roles", held);
            if (organizationId != null && !organizations.exists(h, organizationId)) {
              throw new ValidationException(
                  FieldError.invalidFormat("organization_id", "there is no such organization"));
            }
            store.insert(h, account);
            audit.record(
                h,
                AuditType.SERVICE_ACCOUNT_CREATED,
                actor,
                account.id(),
                organizationId == null
                    ? Map.of("name", name, "roles", String.join(" ", held))
                    : Map.of(
                        "name",
                        name,
                        "roles",
                        String.join(" ", held),
                        "organization_id",
                        organizationId));
            return null;
          });
    } catch (RuntimeException e) {
      throw Dialect.isUniqueViolation(e) ? taken() : e;
    }
    return account;
  }

  @Override
  public Page<ServiceAccount> list(int limit, String afterName) {
    return Page.of(db.read(h -> store.page(h, afterName, limit + 1)), limit, ServiceAccount::name);
  }

  @Override
  public ServiceAccount get(String id) {
    if (!Identifiers.looksLikeId(id)) {
      throw notFound();
    }
    return db.read(h -> store.find(h, id, false)).orElseThrow(ServiceAccountService::notFound);
  }

  @Override
  public ServiceAccount update(String id, ServiceAccountPatch patch, Actor actor) {
    if (!Identifiers.looksLikeId(id)) {
      throw notFound();
    }
    List<FieldError> errors = new ArrayList<>();
    if (patch.name() != null) {
      checkName(patch.name(), errors);
    }
    checkDescription(patch.description(), errors);
    if (patch.status() != null
        && !ACTIVE.equals(patch.status())
        && !DISABLED.equals(patch.status())) {
      errors.add(FieldError.invalidFormat("status", "one of active, disabled"));
    }
    List<String> newRoles = patch.roles() == null ? null : checkRoles(patch.roles(), errors);
    ValidationException.throwIfAny(errors);
    try {
      return db.tx(
          h -> {
            ServiceAccount before =
                store.find(h, id, true).orElseThrow(ServiceAccountService::notFound);
            if (patch.name() != null && store.nameTaken(h, patch.name(), id)) {
              throw taken();
            }
            if (newRoles != null) {
              // only the roles given anew must exist: one deleted meanwhile may stay, as on users
              List<String> added = new ArrayList<>(newRoles);
              added.removeAll(before.roles());
              roles.requireKnown(h, "roles", added);
            }
            ServiceAccount after =
                new ServiceAccount(
                    id,
                    patch.name() == null ? before.name() : patch.name(),
                    patch.description() == null ? before.description() : patch.description(),
                    patch.status() == null ? before.status() : patch.status(),
                    newRoles == null ? before.roles() : newRoles,
                    before.createdAt(),
                    clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    before.organizationId());
            store.update(h, after);
            audit.record(h, AuditType.SERVICE_ACCOUNT_UPDATED, actor, id, changes(before, after));
            return after;
          });
    } catch (RuntimeException e) {
      throw Dialect.isUniqueViolation(e) ? taken() : e;
    }
  }

  private static Map<String, String> changes(ServiceAccount before, ServiceAccount after) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!before.name().equals(after.name())) {
      out.put("name", after.name());
    }
    if (!before.description().equals(after.description())) {
      out.put("description", "changed");
    }
    if (!before.status().equals(after.status())) {
      out.put("status", after.status());
    }
    if (!before.roles().equals(after.roles())) {
      out.put("roles", String.join(" ", after.roles()));
    }
    return out;
  }

  @Override
  public void delete(String id, Actor actor) {
    if (!Identifiers.looksLikeId(id)) {
      throw notFound();
    }
    db.tx(
        h -> {
          ServiceAccount gone =
              store.find(h, id, true).orElseThrow(ServiceAccountService::notFound);
          store.delete(h, id);
          audit.record(
              h, AuditType.SERVICE_ACCOUNT_DELETED, actor, id, Map.of("name", gone.name()));
          return null;
        });
  }

  @Override
  public CreatedClientSecret createSecret(String id, String name, Instant expiresAt, Actor actor) {
    if (!Identifiers.looksLikeId(id)) {
      throw notFound();
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    List<FieldError> errors = new ArrayList<>();
    String clean = name == null ? "" : Text.nfkc(name.strip());
    if (Text.length(clean) > MAX_SECRET_NAME) {
      errors.add(FieldError.tooLong("name", MAX_SECRET_NAME));
    } else if (!Text.isPrintable(clean)) {
      errors.add(
          FieldError.invalidFormat(
              "name", "control characters and lone surrogates are not allowed"));
    }
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      errors.add(FieldError.invalidFormat("expires_at", "must be in the future"));
    }
    ValidationException.throwIfAny(errors);
    String secret = SECRET_PREFIX + secrets.newToken();
    ClientSecret made =
        new ClientSecret(
            ids.next(), id, clean, secret.substring(0, SHOWN_PREFIX), now, null, expiresAt);
    db.tx(
        h -> {
          if (store.find(h, id, true).isEmpty()) {
            throw notFound();
          }
          if (store.countSecrets(h, id) >= MAX_SECRETS) {
            throw new ValidationException(
                new FieldError(
                    "name",
                    "too_many",
                    "at most " + MAX_SECRETS + " secrets per service account; revoke one first"));
          }
          store.insertSecret(h, made, Secrets.hash(secret));
          audit.record(
              h,
              AuditType.CLIENT_SECRET_CREATED,
              actor,
              id,
              Map.of("secret_id", made.id(), "prefix", made.prefix()));
          return null;
        });
    return new CreatedClientSecret(made, secret);
  }

  @Override
  public List<ClientSecret> secrets(String id) {
    if (!Identifiers.looksLikeId(id)) {
      throw notFound();
    }
    return db.read(
        h -> {
          if (store.find(h, id, false).isEmpty()) {
            throw notFound();
          }
          return store.secrets(h, id);
        });
  }

  @Override
  public void deleteSecret(String id, String secretId, Actor actor) {
    if (!Identifiers.looksLikeId(id) || !Identifiers.looksLikeId(secretId)) {
      throw notFound();
    }
    boolean deleted =
        db.tx(
            h -> {
              boolean done = store.deleteSecret(h, id, secretId);
              if (done) {
                audit.record(
                    h, AuditType.CLIENT_SECRET_REVOKED, actor, id, Map.of("secret_id", secretId));
              }
              return done;
            });
    if (!deleted) {
      throw new UsermanException(ErrorCode.NOT_FOUND, "No such client secret.");
    }
  }

  @Override
  public ClientToken grant(String clientId, String secret, String scope, Actor client) {
    limiter.consume(LimitRule.OAUTH_PER_IP, client.client().ip(), client, null);
    SecretUse use = checkClient(clientId, secret, client);
    ServiceAccountStore.AccountCheck account =
        accounts
            .get(use.serviceAccountId(), id -> db.read(h -> store.accountCheck(h, id)))
            .orElseThrow(ServiceAccountService::invalidClient);
    List<String> held = account.roles();
    List<String> granted = held;
    if (scope != null && !scope.isBlank()) {
      TreeSet<String> asked = new TreeSet<>(List.of(scope.strip().split(" +")));
      if (!held.containsAll(asked)) {
        throw new UsermanException(
            ErrorCode.INVALID_SCOPE,
            "The scope names a role the service account does not hold; it holds: "
                + (held.isEmpty() ? "none" : String.join(" ", held))
                + ".");
      }
      granted = List.copyOf(asked);
    }
    String token =
        tokens.issueForServiceAccount(
            use.serviceAccountId(), use.secretId(), granted, account.organizationId());
    return new ClientToken(token, tokens.ttl().toSeconds(), granted);
  }

  @Override
  public String authenticateClient(String clientId, String secret, Actor client) {
    return checkClient(clientId, secret, client).serviceAccountId();
  }

  /**
   * The secret's account if {@code clientId} names it; otherwise the refusal is audited and counted
   * against the client address (a grant has counted its request already).
   */
  private SecretUse checkClient(String clientId, String secret, Actor client) {
    Optional<SecretUse> use =
        secret == null
            ? Optional.empty()
            : authenticateSecret(secret).filter(u -> u.serviceAccountId().equals(clientId));
    if (use.isEmpty()) {
      String subject = Identifiers.looksLikeId(clientId) ? clientId : null;
      // counted before the audit row: past the allowance, a refusal writes nothing more
      limiter.consume(LimitRule.OAUTH_PER_IP, client.client().ip(), client, subject);
      audit.recordFailure(
          AuditType.CLIENT_AUTH_FAILED,
          client,
          subject,
          subject == null ? Map.of() : Map.of("client_id", subject));
      throw invalidClient();
    }
    return use.get();
  }

  /**
   * The account and secret of a live secret of an active account; empty for anything else. Its last
   * use is written at most once a minute.
   */
  public Optional<SecretUse> authenticateSecret(String secret) {
    if (secret.length() > MAX_SECRET_LENGTH || !looksLikeSecret(secret)) {
      return Optional.empty();
    }
    Optional<ServiceAccountStore.SecretCheck> found =
        secretsByHash
            .get(Secrets.hash(secret), hash -> db.read(h -> store.secretCheck(h, true, hash)))
            .filter(this::live);
    found
        .filter(
            c ->
                c.lastUsedAt() == null
                    || c.lastUsedAt().plus(TOUCH_INTERVAL).isBefore(clock.instant()))
        .ifPresent(
            c ->
                db.tx(
                    h -> {
                      store.touchSecret(h, c.secretId(), clock.instant());
                      return null;
                    }));
    return found.map(c -> new SecretUse(c.serviceAccountId(), c.secretId()));
  }

  /**
   * Whether a token granted for {@code secretId} of account {@code serviceAccountId} still holds:
   * the secret is not revoked or expired, and the account is active.
   */
  public boolean isLive(String secretId, String serviceAccountId) {
    return secretsById
        .get(secretId, id -> db.read(h -> store.secretCheck(h, false, id)))
        .filter(c -> c.serviceAccountId().equals(serviceAccountId))
        .filter(this::live)
        .isPresent();
  }

  /** The organization that owns an account; null for the instance's own, or when it is gone. */
  public String organizationOf(String serviceAccountId) {
    return accounts
        .get(serviceAccountId, id -> db.read(h -> store.accountCheck(h, id)))
        .map(ServiceAccountStore.AccountCheck::organizationId)
        .orElse(null);
  }

  /** The roles of an active account now; empty when it is disabled or gone. */
  public List<String> currentRoles(String serviceAccountId) {
    return accounts
        .get(serviceAccountId, id -> db.read(h -> store.accountCheck(h, id)))
        .filter(a -> ACTIVE.equals(a.status()))
        .map(ServiceAccountStore.AccountCheck::roles)
        .orElse(List.of());
  }

  @Override
  public boolean holds(String id, String role) {
    return currentRoles(id).contains(role);
  }

  private boolean live(ServiceAccountStore.SecretCheck c) {
    return ACTIVE.equals(c.accountStatus())
        && (c.expiresAt() == null || c.expiresAt().isAfter(clock.instant()));
  }

  @Override
  public long count(org.jdbi.v3.core.Handle h, String role) {
    return store.countHolding(h, role);
  }

  /** Takes the role from every service account that holds it, each an audited change. */
  @Override
  public long unassignAll(org.jdbi.v3.core.Handle h, String role, Actor actor) {
    List<String> holders = store.holding(h, role);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    for (String id : holders) {
      store.removeRole(h, id, role, now);
      audit.record(h, AuditType.SERVICE_ACCOUNT_UPDATED, actor, id, Map.of("role_removed", role));
    }
    return holders.size();
  }

  private static void checkName(String name, List<FieldError> errors) {
    if (!NAME.matcher(name).matches()) {
      errors.add(
          FieldError.invalidFormat(
              "name", "1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit"));
    }
  }

  private static void checkDescription(String description, List<FieldError> errors) {
    if (description == null) {
      return;
    }
    if (description.length() > MAX_DESCRIPTION) {
      errors.add(FieldError.tooLong("description", MAX_DESCRIPTION));
    } else if (!Text.isPrintable(description)) {
      errors.add(
          FieldError.invalidFormat(
              "description", "control characters and lone surrogates are not allowed"));
    }
  }

  private static List<String> checkRoles(List<String> given, List<FieldError> errors) {
    TreeSet<String> out = new TreeSet<>();
    for (String role : given) {
      Optional<FieldError> bad = Roles.check("roles", role);
      if (bad.isPresent()) {
        errors.add(bad.get());
      } else {
        out.add(role);
      }
    }
    if (out.size() > Roles.MAX_ROLES) {
      errors.add(new FieldError("roles", "too_many", "at most " + Roles.MAX_ROLES + " roles"));
    }
    return List.copyOf(out);
  }

  private static UsermanException taken() {
    return new UsermanException(
        ErrorCode.SERVICE_ACCOUNT_TAKEN, "A service account of this name exists.");
  }

  private static UsermanException notFound() {
    return new UsermanException(ErrorCode.NOT_FOUND, "No such service account.");
  }

  private static UsermanException invalidClient() {
    return new UsermanException(
        ErrorCode.INVALID_CLIENT,
        "The client id and secret do not name an active service account and a live secret.");
  }
}
