package org.userman.mfa.internal;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.VerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
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
import org.userman.mail.internal.Notices;
import org.userman.mfa.Passkey;
import org.userman.mfa.PasskeyCreation;
import org.userman.mfa.PasskeyRequest;
import org.userman.mfa.PasskeySettings;
import org.userman.mfa.Passkeys;
import org.userman.session.internal.PasskeyCheck;
import org.userman.store.internal.Database;

/**
 * Passkeys through webauthn4j. A challenge is stored (by hash) when handed out and spent by the
 * first answer that names it, so an answer cannot be replayed; user verification is required at
 * registration and sign-in, so a passkey is two factors in one. Attestation is not asked for: which
 * authenticator holds a key does not matter to Userman, only that the same one signs again.
 */
public final class PasskeyService implements Passkeys, PasskeyCheck {
  /** How long a challenge waits for its answer, and how long browsers are told to wait. */
  static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);

  private static final int CHALLENGE_BYTES = 32;
  private static final int MAX_NAME = 100;
  private static final int MAX_JSON = 16 * 1024;
  private static final String REGISTER = "register";
  private static final String SIGN_IN = "sign_in";

  /** ES256 first (every authenticator), then EdDSA and RS256 (Windows Hello). */
  private static final List<PublicKeyCredentialParameters> ALGORITHMS =
      List.of(
          new PublicKeyCredentialParameters(
              PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
          new PublicKeyCredentialParameters(
              PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
          new PublicKeyCredentialParameters(
              PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

  private final Database db;
  private final PasskeyStore store = new PasskeyStore();
  private final AuditLogService audit;
  private final Notices notices;
  private final RateLimiter limiter;
  private final Secrets secrets;
  private final Ids ids;
  private final Clock clock;
  private final String rpName;
  private final String rpId;
  private final Set<Origin> origins;
  private volatile Library library;

  /**
   * webauthn4j's verifier and converter, made at the first passkey call: the verifier builds its
   * JSON and CBOR mappers, which start-up would otherwise wait for.
   */
  private record Library(WebAuthnManager webAuthn, AttestedCredentialDataConverter attested) {
    static Library make() {
      return new Library(
          WebAuthnManager.createNonStrictWebAuthnManager(),
          new AttestedCredentialDataConverter(new ObjectConverter()));
    }
  }

  private Library library() {
    Library l = library;
    if (l == null) {
      synchronized (this) {
        l = library;
        if (l == null) {
          l = Library.make();
          library = l;
        }
      }
    }
    return l;
  }

  /** {@code settings} resolved against the public URL; {@code rpName} names the service. */
  public PasskeyService(
      Database db,
      AuditLogService audit,
      Notices notices,
      RateLimiter limiter,
      Secrets secrets,
      Ids ids,
      Clock clock,
      PasskeySettings settings,
      String rpName) {
    this.db = db;
    this.audit = audit;
    this.notices = notices;
    this.limiter = limiter;
    this.secrets = secrets;
    this.ids = ids;
    this.clock = clock;
    this.rpName = rpName;
    this.rpId = settings.rpId();
    this.origins = settings.origins().stream().map(Origin::new).collect(Collectors.toSet());
  }

  @Override
  public PasskeyCreation beginRegistration(String userId, Actor actor) {
    String challenge = B64.encodeToString(secrets.randomBytes(CHALLENGE_BYTES));
    return db.tx(
        h -> {
          String[] user =
              store
                  .emailAndName(h, userId)
                  .orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
          List<PasskeyStore.Row> held = store.list(h, userId);
          if (held.size() >= MAX_PER_USER) {
            throw limitReached();
          }
          Instant now = clock.instant();
          store.insertChallenge(
              h, Secrets.hash(challenge), REGISTER, userId, now, now.plus(CHALLENGE_TTL));
          return new PasskeyCreation(
              challenge,
              rpId,
              rpName,
              userHandle(userId),
              user[0],
              user[1].isBlank() ? user[0] : user[1],
              held.stream().map(PasskeyStore.Row::credentialId).toList(),
              ALGORITHMS.stream().map(a -> a.getAlg().getValue()).toList(),
              CHALLENGE_TTL.toMillis());
        });
  }

  @Override
  public Passkey register(String userId, String name, String credentialJson, Actor actor) {
    String cleanName = name(name);
    if (credentialJson == null) {
      throw new ValidationException(FieldError.required("credential"));
    }
    RegistrationData data;
    try {
      data = library().webAuthn().parseRegistrationResponseJSON(checkedLength(credentialJson));
    } catch (RuntimeException e) {
      // whatever the parser throws at input it cannot read (its own and Jackson's exceptions)
      throw invalid("The credential is not a WebAuthn registration response.");
    }
    if (data.getCollectedClientData() == null
        || data.getCollectedClientData().getChallenge() == null
        || data.getAttestationObject() == null) {
      throw invalid("The credential is not a WebAuthn registration response.");
    }
    byte[] challenge = data.getCollectedClientData().getChallenge().getValue();
    spendChallenge(challenge, REGISTER, userId);
    try {
      library()
          .webAuthn()
          .verify(
              data,
              new RegistrationParameters(
                  serverProperty(challenge), ALGORITHMS, /* user verification */ true, true));
    } catch (RuntimeException e) {
      // VerificationException, or the converters' own at a malformed key or extension
      refused(actor, userId, "registration", e);
      throw invalid("The passkey did not verify: " + reason(e) + ".");
    }
    AuthenticatorData<?> auth = data.getAttestationObject().getAuthenticatorData();
    AttestedCredentialData credential = auth.getAttestedCredentialData();
    Instant now = clock.instant();
    PasskeyStore.Row row =
        new PasskeyStore.Row(
            ids.next(),
            userId,
            cleanName,
            B64.encodeToString(credential.getCredentialId()),
            B64.encodeToString(library().attested().convert(credential)),
            auth.getSignCount(),
            auth.isFlagUV(),
            auth.isFlagBE(),
            auth.isFlagBS(),
            transports(data.getTransports()),
            now,
            null);
    db.tx(
        h -> {
          if (store.count(h, userId) >= MAX_PER_USER) {
            throw limitReached();
          }
          String hash = credentialHash(credential.getCredentialId());
          if (store.byCredential(h, hash).isPresent()) {
            throw invalid("This passkey is registered already.");
          }
          store.insert(h, row, hash);
          audit.record(
              h,
              AuditType.PASSKEY_ADDED,
              actor,
              userId,
              Map.of("passkey_id", row.id(), "name", cleanName));
          store
              .emailAndName(h, userId)
              .ifPresent(u -> notices.secondFactorChanged(h, u[0], "passkey_added"));
          return null;
        });
    notices.nudge();
    return view(row);
  }

  @Override
  public List<Passkey> list(String userId) {
    return db.read(h -> store.list(h, userId)).stream().map(PasskeyService::view).toList();
  }

  @Override
  public Passkey rename(String userId, String passkeyId, String name, Actor actor) {
    String cleanName = name(name);
    return db.tx(
        h -> {
          if (!store.rename(h, userId, passkeyId, cleanName)) {
            throw notFound();
          }
          audit.record(
              h,
              AuditType.PASSKEY_RENAMED,
              actor,
              userId,
              Map.of("passkey_id", passkeyId, "name", cleanName));
          return view(store.find(h, userId, passkeyId).orElseThrow());
        });
  }

  @Override
  public void delete(String userId, String passkeyId, Actor actor) {
    db.tx(
        h -> {
          PasskeyStore.Row row = store.find(h, userId, passkeyId).orElseThrow(this::notFound);
          store.delete(h, userId, passkeyId);
          audit.record(
              h,
              AuditType.PASSKEY_REMOVED,
              actor,
              userId,
              Map.of("passkey_id", passkeyId, "name", row.name()));
          store
              .emailAndName(h, userId)
              .ifPresent(u -> notices.secondFactorChanged(h, u[0], "passkey_removed"));
          return null;
        });
    notices.nudge();
  }

  /** Removes every passkey of the user, in the caller's transaction; how many there were. */
  int removeAll(org.jdbi.v3.core.Handle h, String userId) {
    return store.deleteAll(h, userId);
  }

  /** Whether the user holds a passkey. */
  boolean any(String userId) {
    return db.read(h -> store.count(h, userId)) > 0;
  }

  @Override
  public PasskeyRequest beginSignIn(ClientInfo client) {
    limiter.consume(LimitRule.LOGIN_PER_IP, client.ip(), Actor.anonymous(client), null);
    String challenge = B64.encodeToString(secrets.randomBytes(CHALLENGE_BYTES));
    Instant now = clock.instant();
    db.tx(
        h -> {
          store.insertChallenge(
              h, Secrets.hash(challenge), SIGN_IN, null, now, now.plus(CHALLENGE_TTL));
          return null;
        });
    return new PasskeyRequest(challenge, rpId, CHALLENGE_TTL.toMillis());
  }

  @Override
  public Optional<Verified> verify(String credentialJson, Actor actor) {
    // The key verified its user (a PIN or a fingerprint): two factors in one.
    return authenticate(credentialJson, null, actor)
        .map(v -> new Verified(v.userId(), List.of(v.amr().get(0), "mfa")));
  }

  /**
   * A passkey's answer as the second factor of {@code userId}: its authentication methods, or empty
   * when it is refused or is another account's passkey.
   */
  Optional<List<String>> verifyFor(String userId, String credentialJson, Actor actor) {
    return authenticate(credentialJson, userId, actor).map(Verified::amr);
  }

  /**
   * Checks an answer to a sign-in challenge: the challenge is spent first, whatever follows; then
   * the key, its signature over this relying party and origin, user verification, and the counter.
   */
  private Optional<Verified> authenticate(String json, String expectedUser, Actor actor) {
    AuthenticationData data;
    try {
      data = library().webAuthn().parseAuthenticationResponseJSON(checkedLength(json));
    } catch (RuntimeException e) {
      // whatever the parser throws at input it cannot read (its own and Jackson's exceptions)
      return refusedEmpty(actor, expectedUser, "malformed");
    }
    if (data.getCollectedClientData() == null
        || data.getCollectedClientData().getChallenge() == null
        || data.getCredentialId() == null) {
      return refusedEmpty(actor, expectedUser, "malformed");
    }
    byte[] challenge = data.getCollectedClientData().getChallenge().getValue();
    boolean taken =
        db.tx(
            h ->
                store.takeChallenge(
                    h,
                    Secrets.hash(B64.encodeToString(challenge)),
                    SIGN_IN,
                    null,
                    clock.instant()));
    Optional<PasskeyStore.Row> found =
        db.read(h -> store.byCredential(h, credentialHash(data.getCredentialId())));
    if (!taken) {
      return refusedEmpty(
          actor, found.map(PasskeyStore.Row::userId).orElse(expectedUser), "unknown_challenge");
    }
    if (found.isEmpty()) {
      return refusedEmpty(actor, expectedUser, "unknown_passkey");
    }
    PasskeyStore.Row row = found.get();
    if (expectedUser != null && !expectedUser.equals(row.userId())) {
      return refusedEmpty(actor, expectedUser, "another_accounts_passkey");
    }
    byte[] handle = data.getUserHandle();
    if (handle != null && !Arrays.equals(handle, row.userId().getBytes(StandardCharsets.UTF_8))) {
      return refusedEmpty(actor, row.userId(), "user_handle_mismatch");
    }
    try {
      library()
          .webAuthn()
          .verify(
              data,
              new AuthenticationParameters(
                  serverProperty(challenge),
                  record(row),
                  null, /* user verification */
                  true,
                  true));
    } catch (RuntimeException e) {
      // VerificationException, or the converters' own at a malformed key or extension
      refused(actor, row.userId(), "sign_in", e);
      return Optional.empty();
    }
    AuthenticatorData<?> auth = data.getAuthenticatorData();
    db.tx(
        h -> {
          store.used(h, row.id(), auth.getSignCount(), auth.isFlagBS(), clock.instant());
          return null;
        });
    // A key that may be backed up (synced) lives in software somewhere; one that may not is held by
    // its hardware.
    return Optional.of(new Verified(row.userId(), List.of(row.backupEligible() ? "swk" : "hwk")));
  }

  private CredentialRecordImpl record(PasskeyStore.Row row) {
    return new CredentialRecordImpl(
        null,
        row.uvInitialized(),
        row.backupEligible(),
        row.backupState(),
        row.signCount(),
        library().attested().convert(B64_DECODE.decode(row.attestedData())),
        null,
        null,
        null,
        null);
  }

  private ServerProperty serverProperty(byte[] challenge) {
    return ServerProperty.builder()
        .origins(origins)
        .rpId(rpId)
        .challenge(new DefaultChallenge(challenge))
        .build();
  }

  private void spendChallenge(byte[] challenge, String purpose, String userId) {
    String hash = Secrets.hash(B64.encodeToString(challenge));
    boolean taken = db.tx(h -> store.takeChallenge(h, hash, purpose, userId, clock.instant()));
    if (!taken) {
      throw invalid(
          "The challenge is unknown, expired or was answered already; ask for a new one.");
    }
  }

  private Optional<Verified> refusedEmpty(Actor actor, String userId, String reason) {
    audit.recordFailure(AuditType.PASSKEY_FAILED, actor, userId, Map.of("reason", reason));
    return Optional.empty();
  }

  private void refused(Actor actor, String userId, String step, RuntimeException e) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("step", step);
    details.put("reason", reason(e));
    audit.recordFailure(AuditType.PASSKEY_FAILED, actor, userId, details);
  }

  /**
   * The kind of refusal, in words fit for an answer and the audit log (never the library's text).
   */
  private static String reason(RuntimeException e) {
    if (e instanceof MaliciousCounterValueException) {
      return "counter_went_back";
    }
    if (!(e instanceof VerificationException)) {
      return "malformed";
    }
    String kind = e.getClass().getSimpleName().replace("Exception", "");
    return kind.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static String checkedLength(String json) {
    if (json.length() > MAX_JSON) {
      throw new ValidationException(FieldError.tooLong("credential", MAX_JSON));
    }
    return json;
  }

  private static String name(String name) {
    if (name == null || name.isBlank()) {
      throw new ValidationException(FieldError.required("name"));
    }
    String clean = Text.nfkc(name.strip());
    if (Text.length(clean) > MAX_NAME || !Text.isPrintable(clean)) {
      throw new ValidationException(
          FieldError.invalidFormat("name", "at most " + MAX_NAME + " printable characters"));
    }
    return clean;
  }

  private static String transports(Set<AuthenticatorTransport> transports) {
    if (transports == null || transports.isEmpty()) {
      return null;
    }
    Set<String> names = new TreeSet<>();
    for (AuthenticatorTransport t : transports) {
      String v = t.getValue();
      if (v != null && v.matches("[a-z0-9-]{1,20}")) {
        names.add(v);
      }
    }
    String joined = String.join(" ", names);
    return joined.isEmpty() || joined.length() > 200 ? null : joined;
  }

  private static Passkey view(PasskeyStore.Row r) {
    return new Passkey(
        r.id(),
        r.name(),
        r.backupEligible(),
        r.transports() == null ? List.of() : List.of(r.transports().split(" ")),
        r.createdAt(),
        r.lastUsedAt());
  }

  private static String userHandle(String userId) {
    return B64.encodeToString(userId.getBytes(StandardCharsets.UTF_8));
  }

  private static String credentialHash(byte[] credentialId) {
    return Secrets.hash(B64.encodeToString(credentialId));
  }

  /** Drops the challenges that expired unanswered; how many. */
  public int pruneChallenges() {
    return db.tx(h -> store.pruneChallenges(h, clock.instant()));
  }

  private static UsermanException invalid(String detail) {
    return new UsermanException(ErrorCode.INVALID_PASSKEY, detail);
  }

  private UsermanException notFound() {
    return new UsermanException(ErrorCode.NOT_FOUND, "No such passkey.");
  }

  private static UsermanException limitReached() {
    return new UsermanException(
        ErrorCode.PASSKEY_LIMIT,
        "This account holds " + MAX_PER_USER + " passkeys, the most it may; remove one first.");
  }
}
