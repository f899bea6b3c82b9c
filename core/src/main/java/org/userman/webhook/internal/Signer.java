package org.userman.webhook.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs as the Standard Webhooks specification says, so that receivers can check with its
 * libraries: the secret is {@code whsec_} and the base64 of 32 random bytes; the signature is the
 * base64 HMAC-SHA256, under the secret's bytes, of {@code <webhook-id>.<webhook-timestamp>.<body>},
 * sent as {@code v1,<signature>}; several signatures (during a secret rotation) are separated by
 * spaces, and a receiver accepts the request when any of them matches.
 */
final class Signer {
  static final String PREFIX = "whsec_";
  static final int SECRET_BYTES = 32;

  private Signer() {}

  static String newSecret(byte[] random) {
    return PREFIX + Base64.getEncoder().encodeToString(random);
  }

  /** The {@code webhook-signature} header's value, one signature for each secret. */
  static String header(List<String> secrets, String id, long timestampSeconds, String body) {
    StringJoiner out = new StringJoiner(" ");
    for (String secret : secrets) {
      out.add("v1," + sign(secret, id, timestampSeconds, body));
    }
    return out.toString();
  }

  static String sign(String secret, String id, long timestampSeconds, String body) {
    byte[] key =
        Base64.getDecoder()
            .decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] signed =
          mac.doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signed);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is missing from this JDK", e);
    }
  }
}
