package org.userman.account.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.userman.account.AccountSettings;
import org.userman.account.EmailVerifications;
import org.userman.account.RegistrationPolicy;
import org.userman.account.User;
import org.userman.account.UserStatus;
import org.userman.account.internal.OneTimeTokens.Grant;
import org.userman.account.internal.OneTimeTokens.Kind;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.internal.Background;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.mail.internal.MailQueueService;
import org.userman.mail.internal.MailTemplates;
import org.userman.mail.internal.Notices;
import org.userman.session.internal.SessionControl;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;

/** Proving that an address is the user's: at registration, on request, and for a new address. */
public final class EmailVerificationService implements EmailVerifications {
  private final Database db;
  private final AccountStore store;
  private final SessionControl sessions;
  private final OneTimeTokens tokens;
  private final Notices notices;
  private final MailQueueService queue;
  private final MailTemplates mails;
  private final AccountSettings settings;
  private final Clock clock;
  private final AuditLogService audit;
  private final RateLimiter limiter;
  private final Background background;
  private final EmailHistory history;

  public EmailVerificationService(
      Database db,
      AccountStore store,
      SessionControl sessions,
      OneTimeTokens tokens,
      Notices notices,
      MailQueueService queue,
      MailTemplates mails,
      AccountSettings settings,
      Clock clock,
      AuditLogService audit,
      RateLimiter limiter,
      Background background,
      EmailHistory history) {
    this.history = history;
    this.audit = audit;
    this.limiter = limiter;
    this.background = background;
    this.db = db;
    this.store = store;
    this.sessions = sessions;
    this.tokens = tokens;
    this.notices = notices;
    this.queue = queue;
    this.mails = mails;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Sends a new verification mail when {@code email} belongs to an unverified, not disabled
   * account; does nothing otherwise, and the caller answers the same either way. The mail goes out
   * after the answer, so the answer takes as long for an unknown address as for a known one.
   */
  @Override
  public void request(String email, Actor actor) {
    Email parsed = Email.parse("email", email);
    limiter.consume(LimitRule.VERIFICATION_PER_IP, actor.client().ip(), actor, null);
    limiter.consume(LimitRule.VERIFICATION_PER_EMAIL, parsed.normalized(), actor, null);
    background.run(
        () ->
            db.read(h -> store.findByEmail(h, parsed.value()))
                .filter(u -> !u.emailVerified() && u.status() != UserStatus.DISABLED)
                .ifPresent(
                    user -> {
                      db.tx(
                          h -> {
                            queueVerification(h, user);
                            return null;
                          });
                      queue.nudge();
                    }));
  }

  /**
   * Issues a verification token for {@code user} and queues its mail, in the caller's transaction
   * (registration's); the caller nudges the queue after committing.
   */
  void queueVerification(org.jdbi.v3.core.Handle h, User user) {
    String token =
        tokens.issue(h, user.id(), Kind.VERIFY_EMAIL, user.email(), settings.verificationTtl());
    queue.enqueue(h, mails.verifyEmail(user.email(), token, settings.verificationTtl()));
  }

  void nudge() {
    queue.nudge();
  }

  /**
   * Mails a token for {@code newEmail}, while the password just checked ({@code verifiedHash}) is
   * still the user's and the session the request came through lives: a recovery that commits
   * meanwhile ends the request instead of being outlived by it.
   */
  void sendChange(User user, String newEmail, String verifiedHash, Actor actor) {
    db.tx(
        h -> {
          sessions.requireLive(h, actor.sessionId(), clock.instant());
          if (!store.stillHolds(h, user.id(), verifiedHash)) {
            throw new UsermanException(
                ErrorCode.WRONG_CURRENT_PASSWORD, "The current password is wrong.");
          }
          String token =
              tokens.issue(h, user.id(), Kind.CHANGE_EMAIL, newEmail, settings.verificationTtl());
          queue.enqueue(h, mails.verifyEmail(newEmail, token, settings.verificationTtl()));
          return null;
        });
    queue.nudge();
  }

  /**
   * Spends a verification or email-change token and applies it. A new address ends whatever was
   * mailed to the old one (reset and verification tokens), and the old address is told.
   */
  @Override
  public User confirm(String token, Actor actor) {
    limiter.consume(LimitRule.TOKEN_CONFIRM_PER_IP, actor.client().ip(), actor, null);
    try {
      User confirmed =
          db.tx(
              h -> {
                Grant grant =
                    tokens
                        .consume(h, Set.of(Kind.VERIFY_EMAIL, Kind.CHANGE_EMAIL), token)
                        .orElseThrow(EmailVerificationService::invalid);
                User cur =
                    store
                        .findById(h, grant.userId())
                        .orElseThrow(EmailVerificationService::invalid);
                if (grant.kind() == Kind.VERIFY_EMAIL
                    && !Text.fold(cur.email()).equals(Text.fold(grant.email()))) {
                  // The address changed since this mail went out: it proves nothing about the new
                  // one.
                  throw invalid();
                }
                Instant releasedAfter = clock.instant().minus(settings.emailReservation());
                boolean change = grant.kind() == Kind.CHANGE_EMAIL;
                if (change && store.emailTaken(h, grant.email(), cur.id(), releasedAfter)) {
                  throw AccountService.emailTaken();
                }
                // A previous address of the user's own, still reserved for them, comes back here.
                boolean backToPrevious =
                    change && EmailHistory.heldBefore(h, cur.id(), grant.email());
                User next = verified(cur, grant.email());
                if (change) {
                  history.release(h, cur, next.email(), next.updatedAt());
                }
                store.update(h, next);
                if (change
                    && EmailHistory.reservedForAnother(h, next.email(), cur.id(), releasedAfter)) {
                  // As at registration: a former owner's change that committed while we wrote.
                  throw AccountService.emailTaken();
                }
                if (change) {
                  tokens.revokeAll(h, cur.id());
                  notices.emailChanged(h, cur.email(), next.email());
                  audit.record(
                      h,
                      AuditType.EMAIL_CHANGED,
                      actor.as(cur.id()),
                      cur.id(),
                      AccountService.emailChangeDetails(backToPrevious));
                } else {
                  audit.record(
                      h,
                      AuditType.EMAIL_VERIFIED,
                      actor.as(cur.id()),
                      cur.id(),
                      Map.of("status", next.status().wire()));
                }
                return next;
              });
      notices.nudge();
      return confirmed;
    } catch (RuntimeException e) {
      if (Dialect.isUniqueViolation(e)) {
        throw new UsermanException(ErrorCode.EMAIL_TAKEN, "An account with this email exists.");
      }
      throw e;
    }
  }

  /**
   * {@code user} with {@code email} proven: verified, and active if it was only waiting for that.
   */
  User verified(User user, String email) {
    UserStatus status =
        user.status() == UserStatus.PENDING && settings.registration() == RegistrationPolicy.VERIFY
            ? UserStatus.ACTIVE
            : user.status();
    return new User(
        user.id(),
        email,
        true,
        user.username(),
        user.name(),
        status,
        user.roles(),
        user.attributes(),
        user.createdAt(),
        clock.instant(),
        user.lastLoginAt());
  }

  static UsermanException invalid() {
    return new UsermanException(
        ErrorCode.INVALID_TOKEN, "The token is unknown, used, expired or superseded.");
  }

  Optional<User> findByEmail(String email) {
    return db.read(h -> store.findByEmail(h, email));
  }
}
