package org.userman.session.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userman.account.User;
import org.userman.account.UserStatus;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.internal.Ids;
import org.userman.internal.Secrets;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.password.Password;
import org.userman.session.LoginResult;
import org.userman.session.Session;
import org.userman.session.Sessions;
import org.userman.store.internal.Database;

/**
 * Sign-in, one session per device, refresh-token rotation with reuse detection, and sign-out.
 * Refresh tokens and session state live in the database only, so any node can serve any request.
 */
public final class SessionService implements Sessions {
  private static final int MAX_DEVICE = 200;
  private final Database db;
  private final SessionStore store;
  private final SignInAccounts accounts;
  private final AccessTokens accessTokens;
  private final Secrets secrets;
  private final Ids ids;
  private final Clock clock;
  private final Duration sessionTtl;
  private final Duration idleTimeout;
  private final AuditLogService audit;
  private final RateLimiter limiter;

  public SessionService(
      Database db,
      SessionStore store,
      SignInAccounts accounts,
      AccessTokens accessTokens,
      Secrets secrets,
      Ids ids,
      Clock clock,
      Duration sessionTtl,
      Duration idleTimeout,
      AuditLogService audit,
      RateLimiter limiter) {
    this.limiter = limiter;
    this.db = db;
    this.store = store;
    this.accounts = accounts;
    this.accessTokens = accessTokens;
    this.secrets = secrets;
    this.ids = ids;
    this.clock = clock;
    this.sessionTtl = sessionTtl;
    this.idleTimeout = idleTimeout;
    this.audit = audit;
  }

  /**
   * Signs in with an email or a username. Unknown accounts and wrong passwords fail alike and cost
   * one hash each; an inactive account is told so only after its correct password.
   */
  @Override
  public LoginResult login(
      String email, String username, Password password, String device, ClientInfo client) {
    SignedIn s = signIn(email, username, password, device, client, false);
    return result(s.session(), s.user(), s.secret());
  }

  /**
   * Signs in from the web pages: the same checks, limits and audit as {@link #login}, but the
   * session is held by a browser cookie (the returned secret) instead of a refresh token. It is
   * listed and signed out like any other session.
   */
  @Override
  public CookieLogin loginWithCookie(
      String email, String username, Password password, ClientInfo client) {
    SignedIn s = signIn(email, username, password, null, client, true);
    return new CookieLogin(s.secret(), s.session(), s.user());
  }

  private record SignedIn(Session session, User user, String secret) {}

  private SignedIn signIn(
      String email,
      String username,
      Password password,
      String device,
      ClientInfo client,
      boolean cookie) {
    List<FieldError> errors = new ArrayList<>();
    if (email == null && username == null) {
      errors.add(FieldError.required("email"));
    }
    if (password == null) {
      errors.add(FieldError.required("password"));
    }
    String cleanDevice = device == null ? null : Text.nfkc(device.strip());
    if (cleanDevice != null
        && (Text.length(cleanDevice) > MAX_DEVICE || !Text.isPrintable(cleanDevice))) {
      errors.add(
          FieldError.invalidFormat("device", "at most " + MAX_DEVICE + " printable characters"));
    }
    ValidationException.throwIfAny(errors);
    Actor actor = Actor.anonymous(client);
    limiter.consume(LimitRule.LOGIN_PER_IP, client.ip(), actor, null);
    String login = email != null ? email : username;
    SignInAccounts.Verified verified = accounts.signIn(email, username, password, actor);
    // A concurrent deletion between the two reads looks like a wrong password, which is what it now
    // is.
    User user =
        db.read(h -> accounts.find(h, verified.userId()))
            .orElseThrow(SessionService::invalidCredentials);
    if (user.status() != UserStatus.ACTIVE) {
      audit.recordFailure(
          AuditType.LOGIN_FAILED,
          actor,
          user.id(),
          Map.of("reason", "account_" + user.status().wire(), "login", login));
      throw new UsermanException(
          ErrorCode.ACCOUNT_NOT_ACTIVE, "This account is " + user.status().wire() + ".");
    }
    String upgraded = verified.rehashed();
    Instant now = clock.instant();
    Session session =
        new Session(
            ids.next(),
            user.id(),
            cleanDevice,
            client.ip(),
            client.userAgent(),
            now,
            now,
            now.plus(sessionTtl));
    String secret = secrets.newToken();
    db.tx(
        h -> {
          if (!accounts.stillHolds(h, verified)) {
            throw invalidCredentials();
          }
          store.insert(
              h,
              session,
              cookie ? null : Secrets.hash(secret),
              cookie ? Secrets.hash(secret) : null);
          accounts.signedIn(h, user.id(), upgraded, now);
          audit.record(
              h,
              AuditType.LOGIN_SUCCEEDED,
              actor.as(user.id()),
              user.id(),
              Map.of("session_id", session.id()));
          return null;
        });
    User signedIn =
        new User(
            user.id(),
            user.email(),
            user.emailVerified(),
            user.username(),
            user.name(),
            user.status(),
            user.roles(),
            user.attributes(),
            user.createdAt(),
            user.updatedAt(),
            now);
    return new SignedIn(session, signedIn, secret);
  }

  private static UsermanException invalidCredentials() {
    return new UsermanException(
        ErrorCode.INVALID_CREDENTIALS, "The login or the password is wrong.");
  }

  private sealed interface Outcome permits Refreshed, Refused {}

  private record Refreshed(Session session, User user, String refreshToken) implements Outcome {}

  private record Refused() implements Outcome {}

  /**
   * Trades a refresh token for a new pair. A spent token presented again means it was copied: the
   * whole session ends (committed before the refusal is sent).
   */
  @Override
  public LoginResult refresh(String refreshToken, ClientInfo client) {
    limiter.consume(LimitRule.REFRESH_PER_IP, client.ip(), Actor.anonymous(client), null);
    if (refreshToken == null || refreshToken.isEmpty() || refreshToken.length() > 200) {
      throw invalidRefresh();
    }
    String hash = Secrets.hash(refreshToken);
    Optional<String> sessionId =
        db.read(h -> store.refreshState(h, hash)).map(SessionStore.RefreshState::sessionId);
    limiter.consume(
        LimitRule.REFRESH_PER_SESSION, sessionId.orElse(null), Actor.anonymous(client), null);
    Outcome outcome =
        db.tx(
            h -> {
              Instant now = clock.instant();
              Optional<SessionStore.RefreshState> found = store.refreshState(h, hash);
              if (found.isEmpty()) {
                return new Refused();
              }
              SessionStore.RefreshState state = found.get();
              if (state.spent() || !store.spend(h, hash, now)) {
                store.revokeById(h, state.sessionId(), now);
                audit.recordRefused(
                    h,
                    AuditType.REFRESH_REUSE_DETECTED,
                    Actor.anonymous(client),
                    state.userId(),
                    Map.of("session_id", state.sessionId()));
                return new Refused();
              }
              if (state.revoked()
                  || !state.expiresAt().isAfter(now)
                  || !state.lastUsedAt().plus(idleTimeout).isAfter(now)
                  || !UserStatus.ACTIVE.wire().equals(state.userStatus())) {
                return new Refused();
              }
              String next = secrets.newToken();
              store.addRefreshToken(h, state.sessionId(), Secrets.hash(next), now);
              store.touch(h, state.sessionId(), client, now);
              Session session = store.findLive(h, state.sessionId(), now).orElseThrow();
              User user = accounts.find(h, state.userId()).orElseThrow();
              return new Refreshed(session, user, next);
            });
    if (outcome instanceof Refreshed r) {
      return result(r.session(), r.user(), r.refreshToken());
    }
    throw invalidRefresh();
  }

  private static UsermanException invalidRefresh() {
    return new UsermanException(
        ErrorCode.INVALID_REFRESH_TOKEN, "The refresh token is unknown, spent or expired.");
  }

  private LoginResult result(Session session, User user, String refresh) {
    return new LoginResult(
        accessTokens.issue(user, session.id()),
        accessTokens.ttl().toSeconds(),
        refresh,
        session,
        user);
  }

  @Override
  public List<Session> list(String userId) {
    Instant now = clock.instant();
    return db.read(h -> store.listLive(h, userId, now, now.minus(idleTimeout)));
  }

  /** Ends one of the user's sessions; {@code not_found} for one that is not theirs or not live. */
  @Override
  public void revoke(String userId, String sessionId, Actor actor) {
    boolean done =
        db.tx(
            h -> {
              boolean revoked = store.revoke(h, userId, sessionId, clock.instant());
              if (revoked) {
                audit.record(h, AuditType.LOGOUT, actor, userId, Map.of("session_id", sessionId));
              }
              return revoked;
            });
    if (!done) {
      throw new UsermanException(ErrorCode.NOT_FOUND, "No such session.");
    }
  }

  /** Ends every session of the user ("sign out everywhere"). */
  @Override
  public void revokeAll(String userId, Actor actor) {
    db.tx(
        h -> {
          store.revokeAll(h, userId, null, clock.instant());
          audit.record(h, AuditType.LOGOUT, actor, userId, Map.of("sessions", "all"));
          return null;
        });
  }
}
