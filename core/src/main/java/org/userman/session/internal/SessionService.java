package org.userman.session.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
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
import org.userman.metrics.Instrumentation;
import org.userman.metrics.Instrumentation.SignInOutcome;
import org.userman.mfa.SecondFactorProof;
import org.userman.password.Password;
import org.userman.session.CookieSignInStep;
import org.userman.session.LoginResult;
import org.userman.session.SecondFactorChallenge;
import org.userman.session.Session;
import org.userman.session.Sessions;
import org.userman.session.SignInStep;
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
  private final SignInChallenges challenges = new SignInChallenges();
  private final SecondFactorCheck secondFactors;
  private final Duration stepUpWindow;
  private final PasskeyCheck passkeys;
  private final OrganizationCheck organizations;
  private final Instrumentation instrumentation;

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
      RateLimiter limiter,
      SecondFactorCheck secondFactors,
      PasskeyCheck passkeys,
      OrganizationCheck organizations,
      Duration stepUpWindow,
      Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    this.passkeys = passkeys;
    this.organizations = organizations;
    this.limiter = limiter;
    this.secondFactors = secondFactors;
    this.stepUpWindow = stepUpWindow;
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

  /** How long a sign-in waits for its second factor. */
  static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);

  /** Wrong proofs that end a waiting sign-in (the account's sign-in limit counts them too). */
  static final int CHALLENGE_TRIES = 5;

  private static final List<String> PASSWORD = List.of("pwd");

  /**
   * Signs in with an email or a username. Unknown accounts and wrong passwords fail alike and cost
   * one hash each; an inactive account is told so only after its correct password. An account with
   * a second factor gets a challenge instead of tokens.
   */
  @Override
  public SignInStep signIn(
      String email,
      String username,
      Password password,
      String device,
      String organizationId,
      ClientInfo client) {
    return switch (passwordStep(email, username, password, device, organizationId, client, false)) {
      case SignedIn s -> result(s.session(), s.user(), s.secret(), s.organization());
      case Waiting w -> w.challenge();
    };
  }

  @Override
  public LoginResult login(
      String email, String username, Password password, String device, ClientInfo client) {
    return switch (signIn(email, username, password, device, client)) {
      case LoginResult r -> r;
      case SecondFactorChallenge c ->
          throw new UsermanException(
              ErrorCode.SECOND_FACTOR_REQUIRED,
              "This account has a second factor: sign in in two steps.");
    };
  }

  /**
   * Signs in from the web pages: the same checks, limits and audit as {@link #signIn}, but the
   * session is held by a browser cookie (the returned secret) instead of a refresh token. It is
   * listed and signed out like any other session.
   */
  @Override
  public CookieSignInStep loginWithCookie(
      String email, String username, Password password, ClientInfo client) {
    return switch (passwordStep(email, username, password, null, null, client, true)) {
      case SignedIn s -> new CookieLogin(s.secret(), s.session(), s.user());
      case Waiting w -> w.challenge();
    };
  }

  @Override
  public LoginResult completeSignIn(String challenge, SecondFactorProof proof, ClientInfo client) {
    SignedIn s = secondFactorStep(challenge, proof, client, false);
    return result(s.session(), s.user(), s.secret(), s.organization());
  }

  @Override
  public CookieLogin completeCookieSignIn(
      String challenge, SecondFactorProof proof, ClientInfo client) {
    SignedIn s = secondFactorStep(challenge, proof, client, true);
    return new CookieLogin(s.secret(), s.session(), s.user());
  }

  @Override
  public LoginResult signInWithPasskey(String credentialJson, String device, ClientInfo client) {
    SignedIn s = passkeyStep(credentialJson, device, client, false);
    return result(s.session(), s.user(), s.secret(), s.organization());
  }

  @Override
  public CookieLogin loginWithPasskeyCookie(String credentialJson, ClientInfo client) {
    SignedIn s = passkeyStep(credentialJson, null, client, true);
    return new CookieLogin(s.secret(), s.session(), s.user());
  }

  /** A sign-in by passkey alone, under the same per-address limit as passwords. */
  private SignedIn passkeyStep(
      String credentialJson, String device, ClientInfo client, boolean cookie) {
    return observed(() -> checkPasskey(credentialJson, device, client, cookie));
  }

  private SignedIn checkPasskey(
      String credentialJson, String device, ClientInfo client, boolean cookie) {
    if (credentialJson == null) {
      throw new ValidationException(FieldError.required("credential"));
    }
    String cleanDevice = cleanDevice(device);
    Actor actor = Actor.anonymous(client);
    limiter.consume(LimitRule.LOGIN_PER_IP, client.ip(), actor, null);
    PasskeyCheck.Verified verified =
        passkeys.verify(credentialJson, actor).orElseThrow(SessionService::invalidCredentials);
    User user =
        db.read(h -> accounts.find(h, verified.userId()))
            .orElseThrow(SessionService::invalidCredentials);
    if (user.status() != UserStatus.ACTIVE) {
      audit.recordFailure(
          AuditType.LOGIN_FAILED,
          actor,
          user.id(),
          Map.of("reason", "account_" + user.status().wire(), "login", "passkey"));
      throw new UsermanException(
          ErrorCode.ACCOUNT_NOT_ACTIVE, "This account is " + user.status().wire() + ".");
    }
    return db.batchedTx(
        h -> startSession(h, user, cleanDevice, client, cookie, null, verified.amr(), null));
  }

  private static String cleanDevice(String device) {
    String clean = device == null ? null : Text.nfkc(device.strip());
    if (clean != null && (Text.length(clean) > MAX_DEVICE || !Text.isPrintable(clean))) {
      throw new ValidationException(
          FieldError.invalidFormat("device", "at most " + MAX_DEVICE + " printable characters"));
    }
    return clean;
  }

  private sealed interface Step permits SignedIn, Waiting {}

  private record SignedIn(
      Session session, User user, String secret, AccessTokens.Organization organization)
      implements Step {}

  private record Waiting(SecondFactorChallenge challenge) implements Step {}

  private Step passwordStep(
      String email,
      String username,
      Password password,
      String device,
      String organizationId,
      ClientInfo client,
      boolean cookie) {
    return observed(
        () -> checkPassword(email, username, password, device, organizationId, client, cookie));
  }

  private Step checkPassword(
      String email,
      String username,
      Password password,
      String device,
      String organizationId,
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
    String upgraded = verified.rehashed();
    List<String> factors = secondFactors.factors(verified.userId());
    UserStatus[] notActive = {null};
    // One transaction reads the user (locked, while the password checked is still theirs) and
    // writes the sign-in; its writes go out together at its end (see Database#batchedTx).
    Step step =
        db.batchedTx(
            h -> {
              // A concurrent deletion or password change since the check looks like a wrong
              // password, which is what it now is.
              User user =
                  accounts.holding(h, verified).orElseThrow(SessionService::invalidCredentials);
              if (user.status() != UserStatus.ACTIVE) {
                audit.recordRefused(
                    h,
                    AuditType.LOGIN_FAILED,
                    actor,
                    user.id(),
                    Map.of("reason", "account_" + user.status().wire(), "login", login));
                notActive[0] = user.status();
                return null;
              }
              if (factors.isEmpty()) {
                return startSession(
                    h, user, cleanDevice, client, cookie, upgraded, PASSWORD, organizationId);
              }
              if (organizationId != null) {
                organization(h, organizationId, user.id());
              }
              String secret = secrets.newToken();
              Instant now = clock.instant();
              challenges.insert(
                  h,
                  Secrets.hash(secret),
                  user.id(),
                  cleanDevice,
                  cookie,
                  organizationId,
                  now,
                  now.plus(CHALLENGE_TTL));
              if (upgraded != null) {
                accounts.rehashed(h, user.id(), upgraded, now);
              }
              return new Waiting(
                  new SecondFactorChallenge(secret, CHALLENGE_TTL.toSeconds(), factors));
            });
    if (notActive[0] != null) {
      throw new UsermanException(
          ErrorCode.ACCOUNT_NOT_ACTIVE, "This account is " + notActive[0].wire() + ".");
    }
    return step;
  }

  /** The second step: the challenge, then the proof under the account's sign-in limit. */
  private SignedIn secondFactorStep(
      String challenge, SecondFactorProof proof, ClientInfo client, boolean cookie) {
    return observed(() -> checkSecondFactor(challenge, proof, client, cookie));
  }

  private SignedIn checkSecondFactor(
      String challenge, SecondFactorProof proof, ClientInfo client, boolean cookie) {
    if (proof == null) {
      throw new ValidationException(FieldError.required("code"));
    }
    Actor actor = Actor.anonymous(client);
    limiter.consume(LimitRule.LOGIN_PER_IP, client.ip(), actor, null);
    if (challenge == null || challenge.isEmpty() || challenge.length() > 200) {
      throw invalidChallenge();
    }
    String hash = Secrets.hash(challenge);
    Instant asked = clock.instant();
    SignInChallenges.Pending pending =
        db.read(h -> challenges.find(h, hash))
            .filter(p -> p.cookie() == cookie && p.expiresAt().isAfter(asked))
            .orElseThrow(SessionService::invalidChallenge);
    Optional<List<String>> methods = secondFactors.verify(pending.userId(), proof, actor);
    if (methods.isEmpty()) {
      db.tx(
          h -> {
            challenges.failed(h, hash, CHALLENGE_TRIES);
            return null;
          });
      throw new UsermanException(
          ErrorCode.INVALID_SECOND_FACTOR, "The code is wrong or was used already.");
    }
    List<String> amr = new ArrayList<>(PASSWORD);
    amr.addAll(methods.get());
    amr.add("mfa");
    return db.batchedTx(
        h -> {
          if (!challenges.take(h, hash)) {
            throw invalidChallenge();
          }
          User user =
              accounts
                  .find(h, pending.userId())
                  .filter(u -> u.status() == UserStatus.ACTIVE)
                  .orElseThrow(SessionService::invalidChallenge);
          return startSession(
              h, user, pending.device(), client, cookie, null, amr, pending.organizationId());
        });
  }

  /**
   * Records a sign-in and its new session, in the caller's transaction: a batched one (its writes
   * go out at its end), so nothing after this reads them back.
   */
  private SignedIn startSession(
      Handle h,
      User user,
      String device,
      ClientInfo client,
      boolean cookie,
      String upgraded,
      List<String> amr,
      String organizationId) {
    AccessTokens.Organization organization =
        organizationId == null ? null : organization(h, organizationId, user.id());
    Instant now = clock.instant();
    Session session =
        new Session(
            ids.next(),
            user.id(),
            device,
            client.ip(),
            client.userAgent(),
            now,
            now,
            now.plus(sessionTtl),
            amr);
    String secret = secrets.newToken();
    store.insert(
        h, session, cookie ? null : Secrets.hash(secret), cookie ? Secrets.hash(secret) : null);
    if (organization != null) {
      store.actIn(h, session.id(), organization.id());
    }
    accounts.signedIn(h, user.id(), upgraded, now);
    Map<String, String> details = new LinkedHashMap<>();
    details.put("session_id", session.id());
    details.put("amr", String.join(" ", amr));
    if (organization != null) {
      details.put("organization_id", organization.id());
    }
    audit.record(
        h, AuditType.LOGIN_SUCCEEDED, Actor.anonymous(client).as(user.id()), user.id(), details);
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
    return new SignedIn(session, signedIn, secret, organization);
  }

  /**
   * The organization a session of the user is to act in, with the user's roles there; {@code
   * not_a_member} (rolling back the caller's transaction) when the user is no member of it.
   */
  private AccessTokens.Organization organization(Handle h, String organizationId, String userId) {
    return organizations
        .roles(h, organizationId, userId)
        .map(roles -> new AccessTokens.Organization(organizationId, roles))
        .orElseThrow(
            () ->
                new UsermanException(
                    ErrorCode.NOT_A_MEMBER, "The user is no member of this organization."));
  }

  /**
   * Runs one step of a sign-in and tells the instrumentation how it ended; a malformed request (a
   * missing field) is no sign-in and is not counted.
   */
  private <T extends Step> T observed(Supplier<T> step) {
    T done;
    try {
      done = step.get();
    } catch (UsermanException e) {
      switch (e.code()) {
        case RATE_LIMITED -> instrumentation.signIn(SignInOutcome.LIMITED);
        case INVALID_CREDENTIALS, INVALID_SECOND_FACTOR, INVALID_CHALLENGE ->
            instrumentation.signIn(SignInOutcome.WRONG);
        case ACCOUNT_NOT_ACTIVE -> instrumentation.signIn(SignInOutcome.NOT_ACTIVE);
        default -> {}
      }
      throw e;
    }
    instrumentation.signIn(
        done instanceof Waiting ? SignInOutcome.SECOND_FACTOR : SignInOutcome.OK);
    return done;
  }

  private static UsermanException invalidChallenge() {
    return new UsermanException(
        ErrorCode.INVALID_CHALLENGE,
        "The sign-in is unknown, expired or was ended by wrong codes; sign in again.");
  }

  @Override
  public void reauthenticate(
      String userId,
      String sessionId,
      Password password,
      SecondFactorProof proof,
      ClientInfo client) {
    Actor actor = new Actor(userId, sessionId, client);
    boolean hasFactor = !secondFactors.factors(userId).isEmpty();
    if (hasFactor ? proof == null : password == null) {
      throw new ValidationException(FieldError.required(hasFactor ? "code" : "password"));
    }
    List<String> amr = new ArrayList<>();
    if (password != null) {
      accounts.checkPassword(userId, password, actor);
      amr.add("pwd");
    }
    if (proof != null) {
      if (!hasFactor) {
        throw new UsermanException(
            ErrorCode.TOTP_NOT_ENABLED, "This account has no second factor.");
      }
      List<String> methods =
          secondFactors
              .verify(userId, proof, actor)
              .orElseThrow(
                  () ->
                      // 400, as a wrong current password here: the caller's token is fine, and a
                      // 401 would tell clients to drop it
                      new UsermanException(
                          ErrorCode.WRONG_CODE, "The code is wrong or was used already."));
      amr.addAll(methods);
    }
    db.tx(
        h -> {
          Instant now = clock.instant();
          Session live =
              store
                  .findLive(h, sessionId, now)
                  .filter(s -> s.userId().equals(userId))
                  .orElseThrow(
                      () ->
                          new UsermanException(
                              ErrorCode.UNAUTHENTICATED,
                              "The credential is missing, invalid, expired or revoked."));
          List<String> merged = new ArrayList<>(live.amr());
          for (String m : amr) {
            if (!merged.contains(m)) {
              merged.add(m);
            }
          }
          boolean second =
              merged.contains("otp") || merged.contains("hwk") || merged.contains("swk");
          if (second && !merged.contains("mfa")) {
            merged.add("mfa");
          }
          store.reauthenticated(h, sessionId, merged, now);
          audit.record(
              h,
              AuditType.REAUTHENTICATED,
              actor,
              userId,
              Map.of("session_id", sessionId, "amr", String.join(" ", amr)));
          return null;
        });
  }

  @Override
  public void requireRecentAuthenticationWithPassword(String userId, String sessionId) {
    if (!secondFactors.factors(userId).isEmpty()) {
      requireRecentAuthentication(userId, sessionId);
    }
  }

  @Override
  public void requireRecentAuthentication(String userId, String sessionId) {
    if (sessionId == null) {
      return;
    }
    Instant since = clock.instant().minus(stepUpWindow);
    boolean recent =
        db.read(h -> store.authenticatedAt(h, sessionId))
            .filter(at -> !at.isBefore(since))
            .isPresent();
    if (!recent) {
      // Every account, with a second factor or not: a token taken from a session that signed in
      // long ago must not add a way in (an API key, a passkey, a factor) on its own.
      throw new UsermanException(
          ErrorCode.REAUTHENTICATION_REQUIRED,
          secondFactors.factors(userId).isEmpty()
              ? "This needs a recent sign-in: re-authenticate with your password, then try again."
              : "This needs a recent sign-in: re-authenticate with a code from your authenticator"
                  + " app, then try again.");
    }
  }

  private static UsermanException invalidCredentials() {
    return new UsermanException(
        ErrorCode.INVALID_CREDENTIALS, "The login or the password is wrong.");
  }

  private sealed interface Outcome permits Refreshed, Refused {}

  private record Refreshed(
      Session session, User user, String refreshToken, AccessTokens.Organization organization)
      implements Outcome {}

  private record Refused() implements Outcome {}

  /**
   * Trades a refresh token for a new pair. A spent token presented again means it was copied: the
   * whole session ends (committed before the refusal is sent).
   */
  @Override
  public LoginResult refresh(String refreshToken, String organizationId, ClientInfo client) {
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
              AccessTokens.Organization organization = null;
              if (organizationId != null) {
                // not a member: the exception rolls back the spending of the refresh token too
                organization = organization(h, organizationId, state.userId());
              } else if (state.organizationId() != null) {
                organization =
                    organizations
                        .roles(h, state.organizationId(), state.userId())
                        .map(roles -> new AccessTokens.Organization(state.organizationId(), roles))
                        .orElse(null);
              }
              String acting = organization == null ? null : organization.id();
              if (!java.util.Objects.equals(acting, state.organizationId())) {
                store.actIn(h, state.sessionId(), acting);
              }
              String next = secrets.newToken();
              store.addRefreshToken(h, state.sessionId(), Secrets.hash(next), now);
              store.touch(h, state.sessionId(), client, now);
              Session session = store.findLive(h, state.sessionId(), now).orElseThrow();
              User user = accounts.find(h, state.userId()).orElseThrow();
              return new Refreshed(session, user, next, organization);
            });
    if (outcome instanceof Refreshed r) {
      return result(r.session(), r.user(), r.refreshToken(), r.organization());
    }
    throw invalidRefresh();
  }

  private static UsermanException invalidRefresh() {
    return new UsermanException(
        ErrorCode.INVALID_REFRESH_TOKEN, "The refresh token is unknown, spent or expired.");
  }

  private LoginResult result(
      Session session, User user, String refresh, AccessTokens.Organization organization) {
    return new LoginResult(
        accessTokens.issue(user, session.id(), session.amr(), organization),
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

  /** Drops the sign-ins that waited for a second factor until they expired; how many. */
  public int pruneChallenges() {
    return db.tx(h -> challenges.prune(h, clock.instant()));
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
