package org.userman.password;

import java.util.Base64;
import java.util.Objects;
import org.userman.common.InvalidSettingException;

/**
 * What verifying imported hashes needs beyond the hash strings themselves: a Firebase project's
 * scrypt parameters, which Firebase keeps per project rather than in each hash, and how the system
 * that made salted SHA-256/512 hashes laid out salt and password.
 *
 * @param firebase the Firebase project's parameters; null when no Firebase hashes are imported
 * @param saltedSha the salted SHA layout; null when no salted SHA hashes are imported
 */
public record LegacyHashSettings(FirebaseScrypt firebase, SaltedSha saltedSha) {
  public static final LegacyHashSettings NONE = new LegacyHashSettings(null, null);

  /** Firebase's parameters alone. */
  public LegacyHashSettings(FirebaseScrypt firebase) {
    this(firebase, null);
  }

  /**
   * How a system hashed passwords with one round of SHA-256 or SHA-512 and a salt: which comes
   * first, and how its salts are written in the hash strings ({@code text}: their UTF-8 bytes as
   * they are; {@code hex}; {@code base64}).
   */
  public record SaltedSha(boolean saltFirst, SaltEncoding saltEncoding) {
    public SaltedSha {
      if (saltEncoding == null) {
        throw new InvalidSettingException(
            "passwords.import.salted_sha.salt_encoding", "is required");
      }
    }

    /** How salts are written. */
    public enum SaltEncoding {
      TEXT,
      HEX,
      BASE64
    }

    /** From the settings' words: {@code salt_password} or {@code password_salt}, and the coding. */
    public static SaltedSha of(String layout, String saltEncoding) {
      boolean saltFirst =
          switch (layout) {
            case "salt_password" -> true;
            case "password_salt" -> false;
            default ->
                throw new InvalidSettingException(
                    "passwords.import.salted_sha.layout", "must be salt_password or password_salt");
          };
      SaltEncoding coding =
          switch (saltEncoding) {
            case "text" -> SaltEncoding.TEXT;
            case "hex" -> SaltEncoding.HEX;
            case "base64" -> SaltEncoding.BASE64;
            default ->
                throw new InvalidSettingException(
                    "passwords.import.salted_sha.salt_encoding", "must be text, hex or base64");
          };
      return new SaltedSha(saltFirst, coding);
    }
  }

  /**
   * A Firebase project's "password hash parameters", as its console shows them: the signer key and
   * salt separator (decoded from base64), rounds (scrypt's block size r, 1 to 8) and memory cost
   * (scrypt's N as a power of two, 1 to 14).
   */
  public static final class FirebaseScrypt {
    private static final String KEY = "passwords.import.firebase";
    private final byte[] signerKey;
    private final byte[] saltSeparator;
    private final int rounds;
    private final int memCost;

    public FirebaseScrypt(byte[] signerKey, byte[] saltSeparator, int rounds, int memCost) {
      Objects.requireNonNull(signerKey, "signerKey");
      Objects.requireNonNull(saltSeparator, "saltSeparator");
      if (signerKey.length == 0) {
        throw new InvalidSettingException(KEY + ".signer_key", "must not be empty");
      }
      // Firebase's console offers rounds 1 to 8 and memory cost 1 to 14
      if (rounds < 1 || rounds > 8) {
        throw new InvalidSettingException(KEY + ".rounds", "must be 1 to 8");
      }
      if (memCost < 1 || memCost > 14) {
        throw new InvalidSettingException(KEY + ".mem_cost", "must be 1 to 14");
      }
      this.signerKey = signerKey.clone();
      this.saltSeparator = saltSeparator.clone();
      this.rounds = rounds;
      this.memCost = memCost;
    }

    public int rounds() {
      return rounds;
    }

    public int memCost() {
      return memCost;
    }

    /** From the console's base64 texts. */
    public static FirebaseScrypt fromBase64(
        String signerKey, String saltSeparator, int rounds, int memCost) {
      return new FirebaseScrypt(
          decode(signerKey, KEY + ".signer_key"),
          decode(saltSeparator, KEY + ".salt_separator"),
          rounds,
          memCost);
    }

    private static byte[] decode(String base64, String key) {
      if (base64 == null) {
        throw new InvalidSettingException(key, "is required");
      }
      try {
        return Base64.getDecoder().decode(base64.strip());
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException(key, "must be base64");
      }
    }

    public byte[] signerKey() {
      return signerKey.clone();
    }

    public byte[] saltSeparator() {
      return saltSeparator.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FirebaseScrypt f
          && java.util.Arrays.equals(signerKey, f.signerKey)
          && java.util.Arrays.equals(saltSeparator, f.saltSeparator)
          && rounds == f.rounds
          && memCost == f.memCost;
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          java.util.Arrays.hashCode(signerKey),
          java.util.Arrays.hashCode(saltSeparator),
          rounds,
          memCost);
    }

    @Override
    public String toString() {
      return "FirebaseScrypt[signerKey=****, rounds=" + rounds + ", memCost=" + memCost + "]";
    }
  }
}
