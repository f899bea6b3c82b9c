package org.userman.mfa.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.userman.account.internal.SignInGuard;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.crypto.internal.SecretBox;
import org.userman.internal.Secrets;
import org.userman.mail.internal.Notices;
import org.userman.mfa.FactorStatus;
import org.userman.mfa.RecoveryCodes;
import org.userman.mfa.SecondFactorProof;
import org.userman.mfa.SecondFactors;
import org.userman.mfa.TotpEnrolment;
import org.userman.password.Password;
import org.userman.session.internal.SecondFactorCheck;
import org.userman.store.internal.Database;

/**
 * TOTP and recovery codes. A TOTP secret is sealed with the encryption key, bound to its user, so a
 * copy of the database holds no usable secret; recovery codes are kept as keyed hashes under the
 * same key. Every check of a code runs under the account's sign-in budget, with the passwords.
 */
public final class SecondFactorService implements SecondFactors, SecondFactorCheck {
  private static final int SECRET_BYTES = 20;
  private static final String CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
  private static final int CODE_LENGTH = 10;
  private final Database db;
  private final SecondFactorStore store = new SecondFactorStore();
  private final SignInGuard guard;
  private final Notices notices;
  private final AuditLogService audit;
  private final SecretBox totpSecrets;
  private final SecretBox recoveryHashes;
  private final Secrets secrets;
  private final Clock clock;
  private final String issuer;
  private final PasskeyService passkeys;

  /**
   * {@code totpSecrets} seals the secrets and {@code recoveryHashes} hashes the recovery codes; the
   * {@code issuer} names the service in authenticator apps.
   */
  public SecondFactorService(
      Database db,
      SignInGuard guard,
      Notices notices,
      AuditLogService audit,
      SecretBox totpSecrets,
      SecretBox recoveryHashes,
      Secrets secrets,
      Clock clock,
      String issuer,
      PasskeyService passkeys) {
    this.passkeys = passkeys;
    this.db = db;
    this.guard = guard;
    this.notices = notices;
    this.audit = audit;
    this.totpSecrets = totpSecrets;
    this.recoveryHashes = recoveryHashes;
    this.secrets = secrets;
    this.clock = clock;
    this.issuer = issuer;
  }

  @Override
  public FactorStatus status(String userId) {
    return db.read(h -> store.status(h, userId));
  }

  @Override
  public List<String> factors(String userId) {
    FactorStatus s = status(userId);
    if (!s.totp()) {
      return List.of();
    }
    List<String> factors = new ArrayList<>(List.of("totp"));
    if (s.recoveryCodesLeft() > 0) {
      factors.add("recovery_code");
    }
    // Passkeys alone do not turn two-step sign-in on (they sign in without the password), but with
    // it on, one stands in for the code.
    if (passkeys.any(userId)) {
      factors.add("passkey");
    }
    return List.copyOf(factors);
  }

  @Override
  public Optional<List<String>> verify(String userId, SecondFactorProof proof, Actor actor) {
    List<List<String>> methods = new ArrayList<>(1);
    boolean right =
        guard.guarded(
            userId,
            actor,
            () -> {
              if (proof.passkey() != null) {
                passkeys.verifyFor(userId, proof.passkey(), actor).ifPresent(methods::add);
                return !methods.isEmpty();
              }
              return spend(userId, proof, actor);
            });
    if (!right) {
      audit.recordFailure(
          AuditType.SECOND_FACTOR_FAILED, actor, userId, Map.of("factor", proof.factor()));
      return Optional.empty();
    }
    return Optional.of(methods.isEmpty() ? List.of("otp") : methods.get(0));
  }

  /** Checks the proof and spends it; false when it is wrong or spent. */
  private boolean spend(String userId, SecondFactorProof proof, Actor actor) {
    if (proof.code() != null) {
      Optional<SecondFactorStore.TotpRow> row =
          db.read(h -> store.totp(h, userId)).filter(SecondFactorStore.TotpRow::confirmed);
      if (row.isEmpty()) {
        return false;
      }
      OptionalLong step =
          Totp.match(
              secret(userId, row.get().sealedSecret()),
              proof.code(),
              Totp.step(clock.instant()),
              row.get().lastStep());
      return step.isPresent() && db.tx(h -> store.spendStep(h, userId, step.getAsLong()));
    }
    String normalized = normalize(proof.recoveryCode());
    if (normalized == null) {
      return false;
    }
    String hash = recoveryHash(userId, normalized);
    boolean spent =
        db.tx(
            h -> {
              Instant now = clock.instant();
              if (!store.spendRecoveryCode(h, userId, hash, now)) {
                return false;
              }
              int left = store.recoveryCodesLeft(h, userId);
              audit.record(
                  h,
                  AuditType.RECOVERY_CODE_USED,
                  actor.as(userId),
                  userId,
                  Map.of("left", Integer.toString(left)));
              store.emailOf(h, userId).ifPresent(to -> notices.recoveryCodeUsed(h, to, left));
              return true;
            });
    if (spent) {
      notices.nudge();
    }
    return spent;
  }

  @Override
  public TotpEnrolment beginTotp(String userId, Password currentPassword, Actor actor) {
    if (currentPassword == null) {
      throw new org.userman.common.ValidationException(
          org.userman.common.FieldError.required("current_password"));
    }
    guard.checkCurrentPassword(userId, currentPassword, AuditType.TOTP_ENABLED, actor);
    String secret = Totp.base32(secrets.randomBytes(SECRET_BYTES));
    String email =
        db.tx(
            h -> {
              String to =
                  store
                      .emailOf(h, userId)
                      .orElseThrow(
                          () -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
              if (!store.begin(h, userId, totpSecrets.seal(secret, userId), clock.instant())) {
                throw new UsermanException(
                    ErrorCode.TOTP_ENABLED, "TOTP is on already; turn it off first.");
              }
              return to;
            });
    return new TotpEnrolment(secret, uri(secret, email));
  }

  @Override
  public Optional<TotpEnrolment> pendingTotp(String userId) {
    return db.read(
        h ->
            store
                .totp(h, userId)
                .filter(t -> !t.confirmed())
                .flatMap(
                    t ->
                        store
                            .emailOf(h, userId)
                            .map(
                                to -> {
                                  String secret = totpSecrets.open(t.sealedSecret(), userId);
                                  return new TotpEnrolment(secret, uri(secret, to));
                                })));
  }

  /** The key URI authenticator apps read from a QR code (the Key Uri Format of Google's apps). */
  private String uri(String secret, String account) {
    String label = encode(issuer) + ":" + encode(account);
    return "otpauth://totp/"
        + label
        + "?secret="
        + secret
        + "&issuer="
        + encode(issuer)
        + "&algorithm=SHA1&digits="
        + Totp.DIGITS
        + "&period="
        + Totp.STEP_SECONDS;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public RecoveryCodes confirmTotp(String userId, String code, Actor actor) {
    SecondFactorStore.TotpRow row =
        db.read(h -> store.totp(h, userId))
            .orElseThrow(
                () ->
                    new UsermanException(
                        ErrorCode.TOTP_NOT_ENABLED, "No TOTP enrolment was begun; begin one."));
    if (row.confirmed()) {
      throw new UsermanException(ErrorCode.TOTP_ENABLED, "TOTP is on already.");
    }
    OptionalLong step =
        Totp.match(
            secret(userId, row.sealedSecret()), code, Totp.step(clock.instant()), row.lastStep());
    if (step.isEmpty()) {
      throw wrongCode();
    }
    RecoveryCodes codes = newCodes();
    db.tx(
        h -> {
          Instant now = clock.instant();
          if (!store.confirm(h, userId, step.getAsLong(), now)) {
            throw new UsermanException(ErrorCode.TOTP_ENABLED, "TOTP is on already.");
          }
          store.replaceRecoveryCodes(h, userId, hashes(userId, codes), now);
          audit.record(h, AuditType.TOTP_ENABLED, actor, userId, Map.of());
          store.emailOf(h, userId).ifPresent(to -> notices.secondFactorChanged(h, to, "enabled"));
          return null;
        });
    notices.nudge();
    return codes;
  }

  @Override
  public void disableTotp(
      String userId, Password currentPassword, SecondFactorProof proof, Actor actor) {
    if (currentPassword == null || proof == null) {
      throw new org.userman.common.ValidationException(
          org.userman.common.FieldError.required(
              currentPassword == null ? "current_password" : "code"));
    }
    guard.checkCurrentPassword(userId, currentPassword, AuditType.TOTP_DISABLED, actor);
    if (!status(userId).totp()) {
      throw new UsermanException(ErrorCode.TOTP_NOT_ENABLED, "TOTP is not on.");
    }
    if (verify(userId, proof, actor).isEmpty()) {
      throw wrongCode();
    }
    db.tx(
        h -> {
          store.removeAll(h, userId);
          audit.record(h, AuditType.TOTP_DISABLED, actor, userId, Map.of());
          store.emailOf(h, userId).ifPresent(to -> notices.secondFactorChanged(h, to, "disabled"));
          return null;
        });
    notices.nudge();
  }

  @Override
  public RecoveryCodes regenerateRecoveryCodes(String userId, Actor actor) {
    RecoveryCodes codes = newCodes();
    db.tx(
        h -> {
          if (!store.totp(h, userId).map(SecondFactorStore.TotpRow::confirmed).orElse(false)) {
            throw new UsermanException(
                ErrorCode.TOTP_NOT_ENABLED, "Recovery codes come with TOTP, which is not on.");
          }
          store.replaceRecoveryCodes(h, userId, hashes(userId, codes), clock.instant());
          audit.record(h, AuditType.RECOVERY_CODES_GENERATED, actor, userId, Map.of());
          store
              .emailOf(h, userId)
              .ifPresent(to -> notices.secondFactorChanged(h, to, "recovery_codes"));
          return null;
        });
    notices.nudge();
    return codes;
  }

  @Override
  public void reset(String userId, Actor actor) {
    db.tx(
        h -> {
          String to =
              store
                  .emailOf(h, userId)
                  .orElseThrow(() -> new UsermanException(ErrorCode.NOT_FOUND, "No such user."));
          boolean had = store.removeAll(h, userId);
          int keys = passkeys.removeAll(h, userId);
          audit.record(
              h,
              AuditType.SECOND_FACTORS_RESET,
              actor,
              userId,
              Map.of(
                  "had_totp", Boolean.toString(had), "passkeys_removed", Integer.toString(keys)));
          notices.secondFactorChanged(h, to, "reset");
          return null;
        });
    notices.nudge();
  }

  private byte[] secret(String userId, String sealed) {
    return Totp.fromBase32(totpSecrets.open(sealed, userId));
  }

  private RecoveryCodes newCodes() {
    List<String> codes = new ArrayList<>(RECOVERY_CODES);
    for (int i = 0; i < RECOVERY_CODES; i++) {
      byte[] random = secrets.randomBytes(CODE_LENGTH);
      StringBuilder code = new StringBuilder(CODE_LENGTH + 1);
      for (int j = 0; j < CODE_LENGTH; j++) {
        if (j == CODE_LENGTH / 2) {
          code.append('-');
        }
        code.append(CODE_ALPHABET.charAt(random[j] & 31));
      }
      codes.add(code.toString());
    }
    return new RecoveryCodes(codes);
  }

  private List<String> hashes(String userId, RecoveryCodes codes) {
    return codes.codes().stream().map(c -> recoveryHash(userId, normalize(c))).toList();
  }

  private String recoveryHash(String userId, String normalized) {
    return recoveryHashes.keyedHash(userId + ":" + normalized);
  }

  /**
   * A recovery code as typed, in its one spelling: any case, with or without the dash and spaces,
   * and the letters people read for digits (i, l, o) as those digits; null when it cannot be one.
   */
  static String normalize(String typed) {
    StringBuilder out = new StringBuilder(CODE_LENGTH);
    for (char c : typed.toLowerCase(Locale.ROOT).toCharArray()) {
      if (c == '-' || c == ' ') {
        continue;
      }
      char d = c == 'i' || c == 'l' ? '1' : c == 'o' ? '0' : c;
      if (CODE_ALPHABET.indexOf(d) < 0) {
        return null;
      }
      out.append(d);
    }
    return out.length() == CODE_LENGTH ? out.toString() : null;
  }

  private static UsermanException wrongCode() {
    return new UsermanException(ErrorCode.WRONG_CODE, "The code is wrong or was used already.");
  }
}
