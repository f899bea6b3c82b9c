package org.userman.crypto.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.userman.crypto.EncryptionKey;

/**
 * Seals and opens secrets with AES-256-GCM (the JDK's), under a key derived from the {@link
 * EncryptionKey} for one purpose. A sealed value is {@code v1.} and the base64url of a 12-byte
 * random nonce followed by the ciphertext and its 16-byte tag. Each value is bound to its context
 * (the associated data: a signing key's id, say), so a sealed value moved to another row does not
 * open. Keyed hashes for records that must not hold what was typed come from here too.
 */
public final class SecretBox {
  private static final String PREFIX = "v1.";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec sealing;
  private final SecretKeySpec hashing;
  private final SecureRandom random;

  /**
   * A box for one purpose ({@code "signing-keys"}, say): another purpose cannot open its values.
   */
  public SecretBox(EncryptionKey key, String purpose, SecureRandom random) {
    this.sealing = new SecretKeySpec(derive(key, "seal:" + purpose), "AES");
    this.hashing = new SecretKeySpec(derive(key, "hash:" + purpose), "HmacSHA256");
    this.random = random;
  }

  /**
   * A subkey for one use: HMAC-SHA256 of the label under the master key, a PRF-based key derivation
   * (NIST SP 800-108, one block), so that a key that seals never also hashes.
   */
  private static byte[] derive(EncryptionKey key, String label) {
    byte[] master = key.bytes();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(master, "HmacSHA256"));
      return mac.doFinal(("userman:" + label).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    } finally {
      java.util.Arrays.fill(master, (byte) 0);
    }
  }

  /** Whether {@code stored} is a sealed value (else it is something stored in clear). */
  public static boolean isSealed(String stored) {
    return stored != null && stored.startsWith(PREFIX);
  }

  public String seal(String plaintext, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, sealing, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return PREFIX
          + Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(
                  ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to seal", e);
    }
  }

  /**
   * The plaintext of a value sealed for {@code context}; {@link WrongKeyException} when this key
   * did not seal it.
   */
  public String open(String sealed, String context) {
    if (!isSealed(sealed)) {
      throw new IllegalArgumentException("not a sealed value");
    }
    byte[] all;
    try {
      all = Base64.getUrlDecoder().decode(sealed.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new WrongKeyException();
    }
    if (all.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new WrongKeyException();
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, sealing, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return new String(
          c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new WrongKeyException();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM failed to open", e);
    }
  }

  /**
   * A keyed hash of {@code text}: 32 hex digits that tell equal inputs apart, and nothing else
   * without the key.
   */
  public String keyedHash(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(hashing);
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  /** The value was sealed with another key, or changed since. */
  public static final class WrongKeyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WrongKeyException() {
      super("the value does not open with this encryption key", null, false, false);
    }
  }
}
