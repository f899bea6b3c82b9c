package org.userman.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Random bearer secrets and their at-rest form. Every secret Userman hands out (refresh tokens, API
 * keys, mailed tokens) is 256 random bits, URL-safe, and stored only as its SHA-256: a copy of the
 * database lets nobody sign in.
 */
public final class Secrets {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
  private final SecureRandom random;

  public Secrets(SecureRandom random) {
    this.random = random;
  }

  /** 32 random bytes, base64url without padding (43 characters). */
  public String newToken() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return URL.encodeToString(bytes);
  }

  public byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  /** The at-rest form of a secret: lower-case hex SHA-256 of its UTF-8 bytes. */
  public static String hash(String secret) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Compares two strings in time that depends only on their lengths. */
  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
