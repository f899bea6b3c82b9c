package org.userman.apikey.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userman.account.UserStatus;
import org.userman.apikey.ApiKey;
import org.userman.apikey.ApiKeys;
import org.userman.apikey.CreatedApiKey;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.internal.Ids;
import org.userman.internal.Secrets;
import org.userman.mail.internal.Notices;
import org.userman.metrics.Instrumentation;
import org.userman.session.internal.SessionControl;
import org.userman.store.internal.Database;
import org.userman.store.internal.ReadCache;

/**
 * Personal API keys: {@code um_} followed by 43 random URL-safe characters, so secret scanners can
 * recognize a leaked one. Only the SHA-256 of a key is stored; the first characters are kept as its
 * visible prefix.
 */
public final class ApiKeyService implements ApiKeys {
  public static final int MAX_KEYS_PER_USER = 100;
  private static final int MAX_NAME = 100;
  private static final int SHOWN_PREFIX = KEY_PREFIX.length() + 8;

  /**
   * Writing last_used_at on every call would turn each read into a write; once a minute is enough.
   */
  private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

  private final Database db;
  private final ApiKeyStore store;
  private final Secrets secrets;
  private final Ids ids;
  private final Clock clock;
  private final AuditLogService audit;
  private final Notices notices;
  private final SessionControl sessions;

  /** Keys by their hash, while nothing has been written (see {@link ReadCache}). */
  private final ReadCache<String, ApiKeyStore.KeyCheck> checks;

  /** Who a valid key acts for. */
  public record KeyOwner(String keyId, String userId) {}

  public ApiKeyService(
      Database db,
      ApiKeyStore store,
      SessionControl sessions,
      Notices notices,
      Secrets secrets,
      Ids ids,
      Clock clock,
      AuditLogService audit,
      Instrumentation instrumentation) {
    this.audit = audit;
    this.notices = notices;
    this.sessions = sessions;
    this.db = db;
    this.store = store;
    this.secrets = secrets;
    this.ids = ids;
    this.clock = clock;
    this.checks = new ReadCache<>(db.changes(), 100_000, "api_keys", instrumentation);
  }

  public static boolean looksLikeKey(String credential) {
    return credential.startsWith(KEY_PREFIX);
  }

  /**
   * Makes a key for the user, who hears of it by mail (a key is a credential as strong as the
   * password).
   */
  @Override
  public CreatedApiKey create(String userId, String name, Instant expiresAt, Actor actor) {
    Instant now = clock.instant();
    List<FieldError> errors = new ArrayList<>();
    String clean = name == null ? null : Text.nfkc(name.strip());
    if (clean == null || clean.isEmpty()) {
      errors.add(FieldError.required("name"));
    } else if (Text.length(clean) > MAX_NAME) {
      errors.add(FieldError.tooLong("name", MAX_NAME));
    } else if (!Text.isPrintable(clean)) {
      errors.add(
          FieldError.invalidFormat(
              "name", "control characters and lone surrogates are not allowed"));
    }
    if (expiresAt != null && !expiresAt.isAfter(now)) {
      errors.add(FieldError.invalidFormat("expires_at", "must be in the future"));
    }
    ValidationException.throwIfAny(errors);
    String key = KEY_PREFIX + secrets.newToken();
    ApiKey apiKey =
        new ApiKey(ids.next(), userId, clean, key.substring(0, SHOWN_PREFIX), now, null, expiresAt);
    db.tx(
        h -> {
          // Through a session, only while it lives: a recovery that ends it now also ends this.
          sessions.requireLive(h, actor.sessionId(), now);
          if (store.count(h, userId) >= MAX_KEYS_PER_USER) {
            throw new ValidationException(
                new FieldError(
                    "name", "too_many", "at most " + MAX_KEYS_PER_USER + " API keys per user"));
          }
          store.insert(h, apiKey, Secrets.hash(key));
          audit.record(
              h,
              AuditType.API_KEY_CREATED,
              actor,
              userId,
              Map.of("key_id", apiKey.id(), "prefix", apiKey.prefix()));
          notices.apiKeyCreated(h, userId, apiKey.name(), apiKey.prefix(), expiresAt);
          return null;
        });
    notices.nudge();
    return new CreatedApiKey(apiKey, key);
  }

  @Override
  public List<ApiKey> list(String userId) {
    return db.read(h -> store.list(h, userId));
  }

  @Override
  public void delete(String userId, String keyId, Actor actor) {
    boolean deleted =
        db.tx(
            h -> {
              boolean done = store.delete(h, userId, keyId);
              if (done) {
                audit.record(h, AuditType.API_KEY_REVOKED, actor, userId, Map.of("key_id", keyId));
              }
              return done;
            });
    if (!deleted) {
      throw new UsermanException(ErrorCode.NOT_FOUND, "No such API key.");
    }
  }

  /** Revokes every key of the user at once ("revoke all keys"); audited when there were any. */
  @Override
  public void deleteAll(String userId, Actor actor) {
    db.tx(
        h -> {
          int n = store.count(h, userId);
          store.deleteAll(h, userId);
          if (n > 0) {
            audit.record(
                h,
                AuditType.API_KEY_REVOKED,
                actor,
                userId,
                Map.of("keys", "all", "count", Integer.toString(n)));
          }
          return null;
        });
  }

  /** The owner of a live key of an active user; empty for anything else. */
  public Optional<KeyOwner> authenticate(String key) {
    if (key.length() > 200) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Optional<ApiKeyStore.KeyCheck> found =
        checks.get(Secrets.hash(key), hash -> db.read(h -> store.check(h, hash)));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ApiKeyStore.KeyCheck k = found.get();
    if ((k.expiresAt() != null && !k.expiresAt().isAfter(now))
        || !UserStatus.ACTIVE.wire().equals(k.userStatus())) {
      return Optional.empty();
    }
    if (k.lastUsedAt() == null || k.lastUsedAt().plus(TOUCH_INTERVAL).isBefore(now)) {
      db.tx(
          h -> {
            store.touch(h, k.id(), now);
            return null;
          });
    }
    return Optional.of(new KeyOwner(k.id(), k.userId()));
  }
}
