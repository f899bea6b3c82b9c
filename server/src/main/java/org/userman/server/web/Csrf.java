package org.userman.server.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pages' defence against cross-site forms: a token in a cookie that every form repeats (the
 * double-submit pattern), and, when the browser says where a post comes from ({@code Origin}), this
 * site's host.
 */
final class Csrf {
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private final SecureRandom random;

  Csrf(SecureRandom random) {
    this.random = random;
  }

  /** The token of a request: its cookie's when well-formed, else a new one the answer sets. */
  record Token(String value, boolean fresh) {}

  Token of(String cookie) {
    if (cookie != null && VALUE.matcher(cookie).matches()) {
      return new Token(cookie, false);
    }
    byte[] b = new byte[32];
    random.nextBytes(b);
    return new Token(Base64.getUrlEncoder().withoutPadding().encodeToString(b), true);
  }

  /**
   * A form post must carry the cookie's token, and come from this site when the browser says where
   * from.
   */
  static boolean formIsOurs(WebCall c, Token token) {
    String sent = c.field("csrf");
    if (token.fresh()
        || sent == null
        || !MessageDigest.isEqual(
            sent.getBytes(StandardCharsets.UTF_8),
            token.value().getBytes(StandardCharsets.UTF_8))) {
      return false;
    }
    Optional<String> origin = c.header("Origin");
    if (origin.isEmpty()) {
      return true;
    }
    Optional<String> host = c.header("Host");
    try {
      URI o = new URI(origin.get());
      String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return host.isPresent() && authority != null && authority.equalsIgnoreCase(host.get());
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
