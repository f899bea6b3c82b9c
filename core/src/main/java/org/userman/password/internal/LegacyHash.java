package org.userman.password.internal;

import de.mkammerer.argon2.Argon2Factory;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.digest.Sha2Crypt;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.KeyParameter;
import org.userman.password.LegacyHashSettings;

/**
 * A password hash made by another system, parsed, and checked by the algorithm that made it. Each
 * format is recognized by its own prefix and must parse whole; an unknown or malformed string, or
 * one whose cost is beyond the limits below (a hash that would take minutes to check is an attack
 * on the service, not a user), is refused with the reason, never accepted as a hash that matches
 * nothing.
 *
 * <p>Formats, as their tools write them:
 *
 * <ul>
 *   <li>Argon2 PHC strings: {@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}, {@code $argon2i$...}
 *   <li>bcrypt: {@code $2a$}, {@code $2b$}, {@code $2y$} (one algorithm; the letters mark fixes to
 *       other implementations)
 *   <li>passlib: {@code $pbkdf2$}, {@code $pbkdf2-sha256$}, {@code $pbkdf2-sha512$} (salt and hash
 *       in passlib's "adapted base64"), {@code $scrypt$ln=..,r=..,p=..$salt$hash}
 *   <li>crypt(3) SHA-256 and SHA-512 ({@code $5$}, {@code $6$}, passlib's sha256_crypt and
 *       sha512_crypt), per Ulrich Drepper's specification
 *   <li>Werkzeug: {@code pbkdf2:sha256:ITER$salt$hex}, {@code scrypt:N:r:p$salt$hex}
 *   <li>Django: {@code pbkdf2_sha256$ITER$salt$base64}, {@code pbkdf2_sha1$...}, {@code
 *       bcrypt_sha256$$2b$...}
 *   <li>Firebase's modified scrypt: {@code $firebase-scrypt$salt$hash}, both in base64 as Firebase
 *       exports them; the project's parameters come from {@link LegacyHashSettings}
 *   <li>One round of SHA-256 or SHA-512 over salt and password: {@code $salted-sha256$salt$hash},
 *       {@code $salted-sha512$...}, the hash in hex or base64; the order and the salt's coding come
 *       from {@link LegacyHashSettings}
 * </ul>
 */
public sealed interface LegacyHash {
  /** Whether {@code password} (UTF-8, as the other system hashed it) is the one hashed. */
  boolean matches(byte[] password);

  /** The format's name, for summaries and audit. */
  String format();

  /** A string that is not a usable hash; the message says why, without the hash itself. */
  final class UnusableHashException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnusableHashException(String reason) {
      super(reason);
    }
  }

  // Cost limits: each is at least ten times the default of the tool that uses it most.
  int MAX_PBKDF2_ITERATIONS = 10_000_000;
  long MAX_MEMORY_BYTES = 1L << 30;
  int MAX_BCRYPT_COST = 16;
  int MAX_SHA_CRYPT_ROUNDS = 10_000_000;
  int MAX_ARGON2_PASSES = 64;
  int MAX_PARALLELISM = 64;

  /** The fewest hash bytes accepted: a shorter one is a truncated string. */
  int MIN_HASH_BYTES = 16;

  /** Parses {@code encoded}; throws {@link UnusableHashException} when it is no usable hash. */
  static LegacyHash parse(String encoded, LegacyHashSettings settings) {
    if (encoded == null || encoded.isEmpty()) {
      throw new UnusableHashException("no hash");
    }
    if (encoded.length() > 1024 || !encoded.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new UnusableHashException("not a hash string (printable ASCII, at most 1024)");
    }
    if (encoded.startsWith("$argon2")) {
      return Argon2.parse(encoded);
    }
    if (encoded.startsWith("$2")) {
      return Bcrypt.parse(encoded, false);
    }
    if (encoded.startsWith("bcrypt_sha256$")) {
      return Bcrypt.parse(encoded.substring("bcrypt_sha256$".length()), true);
    }
    if (encoded.startsWith("$5$") || encoded.startsWith("$6$")) {
      return ShaCrypt.parse(encoded);
    }
    if (encoded.startsWith("$pbkdf2")) {
      return Pbkdf2.parsePasslib(encoded);
    }
    if (encoded.startsWith("pbkdf2_")) {
      return Pbkdf2.parseDjango(encoded);
    }
    if (encoded.startsWith("pbkdf2:")) {
      return Pbkdf2.parseWerkzeug(encoded);
    }
    if (encoded.startsWith("$scrypt$")) {
      return Scrypt.parsePasslib(encoded);
    }
    if (encoded.startsWith("scrypt:")) {
      return Scrypt.parseWerkzeug(encoded);
    }
    if (encoded.startsWith("$firebase-scrypt$")) {
      return FirebaseScrypt.parse(encoded, settings.firebase());
    }
    if (encoded.startsWith("$salted-sha")) {
      return SaltedSha.parse(encoded, settings.saltedSha());
    }
    throw new UnusableHashException("unknown hash format");
  }

  /** Argon2i or Argon2id in PHC form, checked by libargon2 (any lanes, any lengths). */
  record Argon2(String encoded, Argon2Factory.Argon2Types type) implements LegacyHash {
    private static final Pattern PHC =
        Pattern.compile(
            "\\$(argon2id|argon2i)(?:\\$v=(16|19))?\\$m=(\\d{1,8}),t=(\\d{1,4}),p=(\\d{1,3})"
                + "\\$([A-Za-z0-9+/]{11,})\\$([A-Za-z0-9+/]{22,})");

    static Argon2 parse(String encoded) {
      Matcher m = PHC.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException("malformed Argon2 hash (argon2id or argon2i PHC string)");
      }
      long memoryKib = Long.parseLong(m.group(3));
      int passes = Integer.parseInt(m.group(4));
      int lanes = Integer.parseInt(m.group(5));
      if (memoryKib * 1024 > MAX_MEMORY_BYTES
          || passes < 1
          || passes > MAX_ARGON2_PASSES
          || lanes < 1
          || lanes > MAX_PARALLELISM
          || memoryKib < 8L * lanes) {
        throw new UnusableHashException("Argon2 cost out of range");
      }
      return new Argon2(
          encoded,
          m.group(1).equals("argon2id")
              ? Argon2Factory.Argon2Types.ARGON2id
              : Argon2Factory.Argon2Types.ARGON2i);
    }

    @Override
    public boolean matches(byte[] password) {
      return Argon2Factory.create(type).verify(encoded, password);
    }

    @Override
    public String format() {
      return type == Argon2Factory.Argon2Types.ARGON2id ? "argon2id" : "argon2i";
    }
  }

  /**
   * bcrypt, by Bouncy Castle, which like every bcrypt uses the first 72 bytes of the password.
   * Django's {@code bcrypt_sha256} hashes the hex SHA-256 of the password instead, to use all of
   * it.
   */
  record Bcrypt(String encoded, boolean sha256First) implements LegacyHash {
    private static final Pattern BCRYPT =
        Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

    static Bcrypt parse(String encoded, boolean sha256First) {
      Matcher m = BCRYPT.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException("malformed bcrypt hash");
      }
      int cost = Integer.parseInt(m.group(1));
      if (cost < 4 || cost > MAX_BCRYPT_COST) {
        throw new UnusableHashException("bcrypt cost out of range (4 to " + MAX_BCRYPT_COST + ")");
      }
      return new Bcrypt(encoded, sha256First);
    }

    @Override
    public boolean matches(byte[] password) {
      byte[] input =
          sha256First
              ? HexFormat.of()
                  .formatHex(Digests.sha256(password))
                  .getBytes(StandardCharsets.US_ASCII)
              : password;
      return OpenBSDBCrypt.checkPassword(encoded, input);
    }

    @Override
    public String format() {
      return sha256First ? "django_bcrypt_sha256" : "bcrypt";
    }
  }

  /** crypt(3)'s SHA-256 and SHA-512 ({@code $5$}, {@code $6$}), by Commons Codec. */
  record ShaCrypt(String encoded) implements LegacyHash {
    private static final Pattern SHA_CRYPT =
        Pattern.compile("\\$([56])\\$(?:rounds=(\\d{1,10})\\$)?([^$]{0,16})\\$([./0-9A-Za-z]+)");

    static ShaCrypt parse(String encoded) {
      Matcher m = SHA_CRYPT.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException("malformed SHA-crypt hash");
      }
      int length = m.group(1).equals("5") ? 43 : 86;
      if (m.group(4).length() != length) {
        throw new UnusableHashException("malformed SHA-crypt hash (hash length)");
      }
      if (m.group(2) != null && Long.parseLong(m.group(2)) > MAX_SHA_CRYPT_ROUNDS) {
        throw new UnusableHashException("SHA-crypt rounds out of range");
      }
      return new ShaCrypt(encoded);
    }

    @Override
    public boolean matches(byte[] password) {
      String salt = encoded.substring(0, encoded.lastIndexOf('$'));
      String computed =
          encoded.startsWith("$5$")
              ? Sha2Crypt.sha256Crypt(password, salt)
              : Sha2Crypt.sha512Crypt(password, salt);
      return MessageDigest.isEqual(
          computed.getBytes(StandardCharsets.US_ASCII),
          encoded.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String format() {
      return encoded.startsWith("$5$") ? "sha256_crypt" : "sha512_crypt";
    }
  }

  /**
   * PBKDF2 with HMAC-SHA1, -SHA256 or -SHA512, as passlib, Django, Werkzeug and Keycloak use it.
   */
  final class Pbkdf2 implements LegacyHash {
    private final String format;
    private final String digest;
    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private static final Pattern PASSLIB =
        Pattern.compile(
            "\\$pbkdf2(?:-(sha256|sha512))?\\$(\\d{1,9})\\$([./A-Za-z0-9]*)\\$([./A-Za-z0-9]+)");
    private static final Pattern DJANGO =
        Pattern.compile(
            "pbkdf2_(sha256|sha1)\\$(\\d{1,9})\\$([^$]{1,128})\\$([A-Za-z0-9+/]+={0,2})");
    private static final Pattern WERKZEUG =
        Pattern.compile("pbkdf2:(sha256|sha512|sha1):(\\d{1,9})\\$([^$]{1,128})\\$([0-9a-f]+)");

    Pbkdf2(String format, String digest, int iterations, byte[] salt, byte[] hash) {
      this.format = format;
      this.digest = digest;
      this.iterations = iterations;
      this.salt = salt;
      this.hash = hash;
      if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
        throw new UnusableHashException("PBKDF2 iterations out of range");
      }
      if (hash.length < MIN_HASH_BYTES && !(digest.equals("sha1") && hash.length == 20)) {
        throw new UnusableHashException("PBKDF2 hash too short");
      }
      if (hash.length > 512) {
        throw new UnusableHashException("PBKDF2 hash too long");
      }
    }

    static Pbkdf2 parsePasslib(String encoded) {
      Matcher m = PASSLIB.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException("malformed passlib PBKDF2 hash");
      }
      String digest = m.group(1) == null ? "sha1" : m.group(1);
      return new Pbkdf2(
          "pbkdf2_" + digest,
          digest,
          Integer.parseInt(m.group(2)),
          Codings.adaptedBase64(m.group(3)),
          Codings.adaptedBase64(m.group(4)));
    }

    static Pbkdf2 parseDjango(String encoded) {
      Matcher m = DJANGO.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException("malformed Django PBKDF2 hash");
      }
      return new Pbkdf2(
          "django_pbkdf2_" + m.group(1),
          m.group(1),
          Integer.parseInt(m.group(2)),
          m.group(3).getBytes(StandardCharsets.UTF_8),
          Codings.base64(m.group(4)));
    }

    static Pbkdf2 parseWerkzeug(String encoded) {
      Matcher m = WERKZEUG.matcher(encoded);
      if (!m.matches()) {
        // Werkzeug writes the iterations; a string without them relied on a default that changed
        throw new UnusableHashException("malformed Werkzeug PBKDF2 hash (pbkdf2:DIGEST:ITER$..)");
      }
      return new Pbkdf2(
          "werkzeug_pbkdf2_" + m.group(1),
          m.group(1),
          Integer.parseInt(m.group(2)),
          m.group(3).getBytes(StandardCharsets.UTF_8),
          Codings.hex(m.group(4)));
    }

    @Override
    public boolean matches(byte[] password) {
      Digest d =
          switch (digest) {
            case "sha1" -> new SHA1Digest();
            case "sha256" -> new SHA256Digest();
            default -> new SHA512Digest();
          };
      PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(d);
      generator.init(password, salt, iterations);
      byte[] computed =
          ((KeyParameter) generator.generateDerivedParameters(hash.length * 8)).getKey();
      return MessageDigest.isEqual(computed, hash);
    }

    @Override
    public String format() {
      return format;
    }
  }

  /** scrypt, as passlib and Werkzeug write it. */
  final class Scrypt implements LegacyHash {
    private final String format;
    private final int n;
    private final int r;
    private final int p;
    private final byte[] salt;
    private final byte[] hash;

    private static final Pattern PASSLIB =
        Pattern.compile(
            "\\$scrypt\\$ln=(\\d{1,2}),r=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]*)\\$([A-Za-z0-9+/]+)");
    private static final Pattern WERKZEUG =
        Pattern.compile("scrypt:(\\d{1,9}):(\\d{1,3}):(\\d{1,3})\\$([^$]{1,128})\\$([0-9a-f]+)");

    Scrypt(String format, int n, int r, int p, byte[] salt, byte[] hash) {
      this.format = format;
      this.n = n;
      this.r = r;
      this.p = p;
      this.salt = salt;
      this.hash = hash;
      checkCost(n, r, p);
      if (hash.length < MIN_HASH_BYTES || hash.length > 512) {
        throw new UnusableHashException("scrypt hash length out of range");
      }
    }

    static void checkCost(long n, int r, int p) {
      if (n < 2 || (n & (n - 1)) != 0 || r < 1 || p < 1 || p > MAX_PARALLELISM) {
        throw new UnusableHashException("scrypt parameters out of range");
      }
      if (128L * n * r > MAX_MEMORY_BYTES) {
        throw new UnusableHashException("scrypt memory out of range");
      }
    }

    static Scrypt parsePasslib(String encoded) {
      Matcher m = PASSLIB.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException("malformed passlib scrypt hash");
      }
      int logN = Integer.parseInt(m.group(1));
      if (logN < 1 || logN > 30) {
        throw new UnusableHashException("scrypt parameters out of range");
      }
      return new Scrypt(
          "scrypt",
          1 << logN,
          Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)),
          Codings.base64(m.group(4)),
          Codings.base64(m.group(5)));
    }

    static Scrypt parseWerkzeug(String encoded) {
      Matcher m = WERKZEUG.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException("malformed Werkzeug scrypt hash (scrypt:N:r:p$..)");
      }
      return new Scrypt(
          "werkzeug_scrypt",
          Integer.parseInt(m.group(1)),
          Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)),
          m.group(4).getBytes(StandardCharsets.UTF_8),
          Codings.hex(m.group(5)));
    }

    @Override
    public boolean matches(byte[] password) {
      return MessageDigest.isEqual(SCrypt.generate(password, salt, n, r, p, hash.length), hash);
    }

    @Override
    public String format() {
      return format;
    }
  }

  /**
   * Firebase's scrypt: scrypt of the password with the user's salt and the project's separator keys
   * AES-256-CTR (zero IV), which encrypts the project's signer key; the result is the hash. As
   * Firebase's own implementation (github.com/firebase/scrypt) describes it.
   */
  final class FirebaseScrypt implements LegacyHash {
    private final byte[] salt;
    private final byte[] hash;
    private final LegacyHashSettings.FirebaseScrypt project;

    FirebaseScrypt(byte[] salt, byte[] hash, LegacyHashSettings.FirebaseScrypt project) {
      this.salt = salt;
      this.hash = hash;
      this.project = project;
    }

    private static final Pattern FIREBASE =
        Pattern.compile("\\$firebase-scrypt\\$([A-Za-z0-9+/_-]+={0,2})\\$([A-Za-z0-9+/_-]+={0,2})");

    static FirebaseScrypt parse(String encoded, LegacyHashSettings.FirebaseScrypt project) {
      if (project == null) {
        throw new UnusableHashException(
            "a Firebase scrypt hash needs the project's parameters (passwords.import.firebase)");
      }
      Matcher m = FIREBASE.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException(
            "malformed Firebase scrypt hash ($firebase-scrypt$SALT$HASH)");
      }
      byte[] hash = Codings.base64(m.group(2));
      if (hash.length != project.signerKey().length) {
        throw new UnusableHashException("Firebase scrypt hash is not as long as the signer key");
      }
      return new FirebaseScrypt(Codings.base64(m.group(1)), hash, project);
    }

    @Override
    public boolean matches(byte[] password) {
      byte[] separator = project.saltSeparator();
      byte[] saltAndSeparator = new byte[salt.length + separator.length];
      System.arraycopy(salt, 0, saltAndSeparator, 0, salt.length);
      System.arraycopy(separator, 0, saltAndSeparator, salt.length, separator.length);
      byte[] derived =
          SCrypt.generate(
              password, saltAndSeparator, 1 << project.memCost(), project.rounds(), 1, 64);
      try {
        Cipher aes = Cipher.getInstance("AES/CTR/NoPadding");
        aes.init(
            Cipher.ENCRYPT_MODE,
            new SecretKeySpec(derived, 0, 32, "AES"),
            new IvParameterSpec(new byte[16]));
        return MessageDigest.isEqual(aes.doFinal(project.signerKey()), hash);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-CTR is missing from this JDK", e);
      }
    }

    @Override
    public String format() {
      return "firebase_scrypt";
    }
  }

  /** One round of SHA-256 or SHA-512 over salt and password, in the configured order. */
  final class SaltedSha implements LegacyHash {
    private static final Pattern SALTED =
        Pattern.compile("\\$salted-(sha256|sha512)\\$([^$]{0,256})\\$([A-Za-z0-9+/=]+)");
    private final String digest;
    private final byte[] salt;
    private final byte[] hash;
    private final boolean saltFirst;

    private SaltedSha(String digest, byte[] salt, byte[] hash, boolean saltFirst) {
      this.digest = digest;
      this.salt = salt;
      this.hash = hash;
      this.saltFirst = saltFirst;
    }

    static SaltedSha parse(String encoded, LegacyHashSettings.SaltedSha layout) {
      if (layout == null) {
        throw new UnusableHashException(
            "a salted SHA hash needs its layout (passwords.import.salted_sha)");
      }
      Matcher m = SALTED.matcher(encoded);
      if (!m.matches()) {
        throw new UnusableHashException("malformed salted SHA hash ($salted-sha256$SALT$HASH)");
      }
      int length = m.group(1).equals("sha256") ? 32 : 64;
      String h = m.group(3);
      byte[] hash =
          h.length() == length * 2 && h.chars().allMatch(c -> Character.digit(c, 16) >= 0)
              ? Codings.hex(h)
              : Codings.base64(h);
      if (hash.length != length) {
        throw new UnusableHashException("salted SHA hash of the wrong length");
      }
      byte[] salt =
          switch (layout.saltEncoding()) {
            case TEXT -> m.group(2).getBytes(StandardCharsets.UTF_8);
            case HEX -> Codings.hex(m.group(2));
            case BASE64 -> Codings.base64(m.group(2));
          };
      return new SaltedSha(
          m.group(1).equals("sha256") ? "SHA-256" : "SHA-512", salt, hash, layout.saltFirst());
    }

    @Override
    public boolean matches(byte[] password) {
      try {
        MessageDigest md = MessageDigest.getInstance(digest);
        md.update(saltFirst ? salt : password);
        md.update(saltFirst ? password : salt);
        return MessageDigest.isEqual(md.digest(), hash);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public String format() {
      return digest.equals("SHA-256") ? "salted_sha256" : "salted_sha512";
    }
  }

  /** The codings the formats use, each failing as a malformed hash. */
  final class Codings {
    private Codings() {}

    /** passlib's "adapted base64": '.' for '+', no padding. */
    static byte[] adaptedBase64(String s) {
      return base64(s.replace('.', '+'));
    }

    static byte[] base64(String s) {
      try {
        String standard = s.replace('-', '+').replace('_', '/');
        return Base64.getDecoder().decode(standard);
      } catch (IllegalArgumentException e) {
        throw new UnusableHashException("malformed base64 in hash");
      }
    }

    static byte[] hex(String s) {
      try {
        return HexFormat.of().parseHex(s.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UnusableHashException("malformed hex in hash");
      }
    }
  }

  /** SHA-256, which every JDK has. */
  final class Digests {
    private Digests() {}

    static byte[] sha256(byte[] bytes) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
