package org.userman.account.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.userman.account.AccountSettings;
import org.userman.account.PasswordResets;
import org.userman.account.User;
import org.userman.account.UserStatus;
import org.userman.account.internal.OneTimeTokens.Grant;
import org.userman.account.internal.OneTimeTokens.Kind;
import org.userman.apikey.internal.ApiKeyRevoker;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.Text;
import org.userman.common.ValidationException;
import org.userman.internal.Background;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.mail.internal.MailQueueService;
import org.userman.mail.internal.MailTemplates;
import org.userman.mail.internal.Notices;
import org.userman.password.Password;
import org.userman.password.internal.PasswordHasher;
import org.userman.password.internal.PasswordPolicy;
import org.userman.session.internal.SessionControl;
import org.userman.store.internal.Database;

/** Forgotten passwords: a mailed, single-use token sets a new one and ends every session. */
public final class PasswordResetService implements PasswordResets {
  private final Database db;
  private final AccountStore store;
  private final SessionControl sessions;
  private final ApiKeyRevoker apiKeys;
  private final OneTimeTokens tokens;
  private final Notices notices;
  private final PasswordHasher hasher;
  private final PasswordPolicy policy;
  private final EmailVerificationService verifications;
  private final MailQueueService queue;
  private final MailTemplates mails;
  private final AccountSettings settings;
  private final Clock clock;
  private final AuditLogService audit;
  private final RateLimiter limiter;
  private final Background background;

  public PasswordResetService(
      Database db,
      AccountStore store,
      SessionControl sessions,
      ApiKeyRevoker apiKeys,
      OneTimeTokens tokens,
      Notices notices,
      PasswordHasher hasher,
      PasswordPolicy policy,
      EmailVerificationService verifications,
      MailQueueService queue,
      MailTemplates mails,
      AccountSettings settings,
      Clock clock,
      AuditLogService audit,
      RateLimiter limiter,
      Background background) {
    this.audit = audit;
    this.limiter = limiter;
    this.background = background;
    this.db = db;
    this.store = store;
    this.sessions = sessions;
    this.apiKeys = apiKeys;
    this.tokens = tokens;
    this.notices = notices;
    this.hasher = hasher;
    this.policy = policy;
    this.verifications = verifications;
    this.queue = queue;
    this.mails = mails;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Mails a reset link when {@code email} has a usable account; the caller answers alike either
   * way, and as fast, since the lookup and the mail happen after the answer.
   */
  @Override
  public void request(String email, Actor actor) {
    Email parsed = Email.parse("email", email);
    limiter.consume(LimitRule.RESET_PER_IP, actor.client().ip(), actor, null);
    limiter.consume(LimitRule.RESET_PER_EMAIL, parsed.normalized(), actor, null);
    background.run(() -> issue(parsed));
  }

  private void issue(Email parsed) {
    verifications
        .findByEmail(parsed.value())
        .filter(u -> u.status() != UserStatus.DISABLED)
        .ifPresent(
            user -> {
              db.tx(
                  h -> {
                    String token =
                        tokens.issue(
                            h, user.id(), Kind.RESET_PASSWORD, user.email(), settings.resetTtl());
                    queue.enqueue(h, mails.resetPassword(user.email(), token, settings.resetTtl()));
                    return null;
                  });
              queue.nudge();
            });
  }

  /**
   * Sets the new password; the token is spent only when the password is acceptable, and only while
   * the account still has the address the mail went to. Recovery ends everything an attacker may
   * have set up in the account: every session, every API key and every other pending mailed token.
   */
  @Override
  public void confirm(String token, Password password, Actor actor) {
    limiter.consume(LimitRule.TOKEN_CONFIRM_PER_IP, actor.client().ip(), actor, null);
    Set<Kind> reset = Set.of(Kind.RESET_PASSWORD);
    Grant grant =
        db.read(h -> tokens.peek(h, reset, token)).orElseThrow(EmailVerificationService::invalid);
    User user =
        db.read(h -> store.findById(h, grant.userId()))
            .orElseThrow(EmailVerificationService::invalid);
    if (!sameAddress(user.email(), grant.email())) {
      throw EmailVerificationService.invalid();
    }
    ValidationException.throwIfAny(
        policy.check("password", password, user.email(), user.username(), user.name()));
    String hash = hasher.hash(password);
    db.tx(
        h -> {
          if (tokens.consume(h, reset, token).isEmpty()) {
            throw EmailVerificationService.invalid();
          }
          User cur =
              store.findById(h, grant.userId()).orElseThrow(EmailVerificationService::invalid);
          if (!sameAddress(cur.email(), grant.email())) {
            throw EmailVerificationService.invalid();
          }
          Instant now = clock.instant();
          store.setPasswordHash(h, cur.id(), hash, now);
          AccountService.endEverything(h, sessions, apiKeys, tokens, cur.id(), now);
          // The mail reached the user, which proves the address too.
          store.update(h, verifications.verified(cur, cur.email()));
          notices.passwordChanged(h, cur.email(), true, false);
          audit.record(h, AuditType.PASSWORD_RESET, actor.as(cur.id()), cur.id(), Map.of());
          return null;
        });
    notices.nudge();
  }

  private static boolean sameAddress(String a, String b) {
    return Text.fold(a).equals(Text.fold(b));
  }
}
