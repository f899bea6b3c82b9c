package org.userman.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The 256-bit key that seals what Userman must read back (signing private keys), kept outside the
 * database: in a file or the environment. It never prints itself. Written as 43 base64url
 * characters; 44 with padding, standard base64 and 64 hex digits are read too.
 */
public final class EncryptionKey {
  public static final int BYTES = 32;
  private final byte[] key;

  private EncryptionKey(byte[] key) {
    this.key = key.clone();
  }

  /** A new random key. */
  public static EncryptionKey generate(SecureRandom random) {
    byte[] b = new byte[BYTES];
    random.nextBytes(b);
    return new EncryptionKey(b);
  }

  /**
   * The key written as {@code text} (surrounding white space ignored), or empty when it is not one.
   */
  public static Optional<EncryptionKey> parse(String text) {
    String t = text.strip();
    byte[] b = null;
    if (t.length() == 64 && t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      b = HexFormat.of().parseHex(t);
    } else {
      try {
        b =
            t.indexOf('+') >= 0 || t.indexOf('/') >= 0
                ? Base64.getDecoder().decode(t)
                : Base64.getUrlDecoder().decode(t);
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return b.length == BYTES ? Optional.of(new EncryptionKey(b)) : Optional.empty();
  }

  /** The key as it is written down: 43 base64url characters. */
  public String encoded() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
  }

  /** A copy of the key's 32 bytes, for the code that derives keys from it. */
  public byte[] bytes() {
    return key.clone();
  }

  /** A few hex digits that tell keys apart in messages without revealing them. */
  public String fingerprint() {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(("userman key fingerprint:" + encoded()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EncryptionKey k && MessageDigest.isEqual(key, k.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "EncryptionKey[****]";
  }
}
