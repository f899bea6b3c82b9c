package org.userman.server.support;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An authenticator app for tests: RFC 6238 codes (SHA-1, 6 digits, 30 s) from a base32 secret, at
 * the test's clock. Written apart from the server's own, so that a shared mistake cannot pass.
 */
public final class TotpCodes {
  private TotpCodes() {}

  public static String at(String base32Secret, Instant t) {
    byte[] key = base32(base32Secret);
    long counter = t.getEpochSecond() / 30;
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key, "HmacSHA1"));
      byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
      int o = h[19] & 0xf;
      int v = ByteBuffer.wrap(h, o, 4).getInt() & 0x7fffffff;
      return String.format(Locale.ROOT, "%06d", v % 1_000_000);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] base32(String s) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    long buffer = 0;
    int bits = 0;
    for (char c : s.replace("=", "").toUpperCase(Locale.ROOT).toCharArray()) {
      buffer = (buffer << 5) | alphabet.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        out.write((int) (buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
