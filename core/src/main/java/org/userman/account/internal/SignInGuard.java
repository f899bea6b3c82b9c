package org.userman.account.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.userman.account.User;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.crypto.internal.SecretBox;
import org.userman.internal.Background;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.mail.internal.Notices;
import org.userman.password.Password;
import org.userman.password.internal.PasswordHasher;
import org.userman.session.internal.SignInAccounts;
import org.userman.store.internal.Database;

/**
 * Every check of a password against an account, under one brute-force budget per account: at
 * sign-in, by email or username in any spelling that reaches the account, and wherever a signed-in
 * user must give the current password. One attempt is taken from the budget before the hash, so
 * concurrent guesses cannot all pass a check made before any of them is counted, and given back
 * when the password was right. A name without an account has a budget of its own, keyed by the name
 * as normalized, and costs the same: one query, one take, one hash, one audit row.
 *
 * <p>The budget's bucket is named after the user and the time an operator last lifted the lock, so
 * lifting it ({@link #unlock}) starts a full bucket on every node, whichever store holds them.
 */
public final class SignInGuard implements SignInAccounts {
  private final Database db;
  private final AccountStore store;
  private final PasswordHasher hasher;
  private final RateLimiter limiter;
  private final AuditLogService audit;
  private final Notices notices;
  private final Background background;
  private final Clock clock;
  private final SecretBox loginHashes;
  private final Duration lockPeriod;

  public SignInGuard(
      Database db,
      AccountStore store,
      PasswordHasher hasher,
      RateLimiter limiter,
      AuditLogService audit,
      Notices notices,
      Background background,
      Clock clock,
      SecretBox loginHashes,
      Duration lockPeriod) {
    this.db = db;
    this.store = store;
    this.hasher = hasher;
    this.limiter = limiter;
    this.audit = audit;
    this.notices = notices;
    this.background = background;
    this.clock = clock;
    this.loginHashes = loginHashes;
    this.lockPeriod = lockPeriod;
  }

  /**
   * The account {@code email} or {@code username} names, if {@code password} is its password.
   * Unknown names and wrong passwords fail alike with {@code invalid_credentials}; an exhausted
   * budget with {@code rate_limited}, a right password included.
   */
  @Override
  public Verified signIn(String email, String username, Password password, Actor actor) {
    String login = email != null ? email : username;
    Optional<AccountStore.LoginCandidate> found =
        db.read(h -> store.loginCandidate(h, email, username));
    if (found.isEmpty()) {
      String normalized = email != null ? Text.fold(email.strip()) : Username.normalize(username);
      limiter.consume(LimitRule.LOGIN_PER_ACCOUNT, "login:" + normalized, actor, null);
      hasher.verifyDummy(password);
      // What was typed may be a password typed into the wrong box: the audit log keeps a keyed
      // hash of it, which tells repeated names apart and nothing else without the key.
      audit.recordFailure(
          AuditType.LOGIN_FAILED,
          actor,
          null,
          Map.of("reason", "unknown_account", "login_hash", loginHashes.keyedHash(normalized)));
      throw invalidCredentials();
    }
    AccountStore.LoginCandidate c = found.get();
    PasswordHasher.Check check = check(c, password, actor);
    if (!check.matched()) {
      audit.recordFailure(
          AuditType.LOGIN_FAILED,
          actor,
          c.userId(),
          Map.of("reason", "wrong_password", "login", login));
      throw invalidCredentials();
    }
    return new Verified(c.userId(), c.passwordHash(), check.upgrade());
  }

  @Override
  public Optional<User> holding(Handle h, Verified verified) {
    return store.holdingPassword(h, verified.userId(), verified.passwordHash());
  }

  @Override
  public Optional<User> find(Handle h, String userId) {
    return store.findById(h, userId);
  }

  @Override
  public void signedIn(Handle h, String userId, String rehashed, Instant now) {
    store.recordLogin(h, userId, now);
    if (rehashed != null) {
      store.setPasswordHash(h, userId, rehashed, now);
    }
  }

  @Override
  public void rehashed(Handle h, String userId, String hash, Instant now) {
    store.setPasswordHash(h, userId, hash, now);
  }

  @Override
  public void checkPassword(String userId, Password password, Actor actor) {
    checkCurrentPassword(userId, password, AuditType.REAUTHENTICATED, actor);
  }

  /**
   * Runs a check of a second factor under the account's sign-in budget: one attempt is taken before
   * it and given back when it passed, so wrong codes and wrong passwords share one limit.
   */
  public boolean guarded(String userId, Actor actor, java.util.function.BooleanSupplier attempt) {
    AccountStore.LoginCandidate c =
        db.read(h -> store.passwordCheck(h, userId))
            .orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
    String key = budgetKey(c);
    long left = limiter.consume(LimitRule.LOGIN_PER_ACCOUNT, key, actor, c.userId());
    boolean right = attempt.getAsBoolean();
    if (right) {
      limiter.refund(LimitRule.LOGIN_PER_ACCOUNT, key);
    } else if (left == 0) {
      background.run(() -> locked(c.userId(), key, actor));
    }
    return right;
  }

  private static String budgetKey(AccountStore.LoginCandidate c) {
    return "user:" + c.userId() + ":" + (c.unlockedAt() == null ? 0 : c.unlockedAt());
  }

  /**
   * Checks the current password of a signed-in user against the same budget as sign-in; a wrong one
   * is audited as a refused {@code attempt} and fails with {@code invalid_credentials} (400).
   * Returns the hash it matched, which the change then writes only while it is still the user's.
   */
  public String checkCurrentPassword(
      String userId, Password current, AuditType attempt, Actor actor) {
    AccountStore.LoginCandidate c =
        db.read(h -> store.passwordCheck(h, userId))
            .orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
    if (!check(c, current, actor).matched()) {
      audit.recordFailure(attempt, actor, userId, Map.of("reason", "wrong_current_password"));
      throw new UsermanException(
          ErrorCode.WRONG_CURRENT_PASSWORD, "The current password is wrong.");
    }
    return c.passwordHash();
  }

  /** Lifts the user's sign-in lock at once, on every node; audited. */
  public void unlock(String userId, Actor actor) {
    boolean done =
        db.tx(
            h -> {
              if (!store.unlock(h, userId, clock.instant())) {
                return false;
              }
              audit.record(h, AuditType.UNLOCKED, actor, userId, Map.of());
              return true;
            });
    if (!done) {
      throw new UsermanException(ErrorCode.NOT_FOUND, "No such user.");
    }
  }

  /**
   * Takes one attempt from the account's budget, hashes, and gives it back if the password was
   * right.
   */
  private PasswordHasher.Check check(
      AccountStore.LoginCandidate c, Password password, Actor actor) {
    String key = budgetKey(c);
    long left = limiter.consume(LimitRule.LOGIN_PER_ACCOUNT, key, actor, c.userId());
    PasswordHasher.Check check =
        password == null
            ? new PasswordHasher.Check(false, null)
            : hasher.check(password, c.passwordHash());
    boolean right = check.matched();
    if (right) {
      limiter.refund(LimitRule.LOGIN_PER_ACCOUNT, key);
    } else if (left == 0) {
      background.run(() -> locked(c.userId(), key, actor));
    }
    return check;
  }

  /** The budget just ran out: the owner hears of it, once a period whatever node saw it. */
  private void locked(String userId, String key, Actor actor) {
    if (!limiter.firstIn("lock_notice", key, lockPeriod)) {
      return;
    }
    db.tx(
        h -> {
          String to = store.emailOf(h, userId);
          if (to != null) {
            notices.accountLocked(h, to, lockPeriod);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("rule", LimitRule.LOGIN_PER_ACCOUNT.code());
            audit.record(h, AuditType.LOCKED, actor, userId, details);
          }
          return null;
        });
    notices.nudge();
  }

  static UsermanException invalidCredentials() {
    return new UsermanException(
        ErrorCode.INVALID_CREDENTIALS, "The login or the password is wrong.");
  }
}
