package org.userman.server.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where to go on to after signing in ({@code next}): followed only when a browser, reading it as
 * the WHATWG URL standard says, stays on this site's origin (the public URL's). A browser removes
 * tabs and newlines anywhere, trims control characters and spaces at both ends, and reads a
 * backslash as a slash, so {@code /\t/evil.example} and {@code /\evil.example} are {@code
 * //evil.example}: another host. This reads the value the same way first, and accepts a path on
 * this site ({@code /x}, not {@code //x}) or an absolute URL of this very origin. What it returns
 * is printable ASCII only, so it always fits a Location header.
 */
final class ReturnPath {
  static final String FALLBACK = "/account";
  private static final int MAX_LENGTH = 2000;
  private final String scheme;
  private final String authority;

  /** For the site at {@code publicUrl} (an http or https URL). */
  ReturnPath(String publicUrl) {
    URI u = URI.create(publicUrl);
    this.scheme = u.getScheme().toLowerCase(Locale.ROOT);
    this.authority = authority(scheme, u.getHost(), u.getPort());
  }

  /** The path on this site that {@code next} leads to, or {@link #FALLBACK}. */
  String resolve(String next) {
    if (next == null || next.length() > MAX_LENGTH) {
      return FALLBACK;
    }
    String s = asBrowserReads(next);
    if (s.startsWith("/")) {
      return s.startsWith("//") ? FALLBACK : printable(s);
    }
    return sameOriginPath(s);
  }

  /** WHATWG URL parsing's first steps: the value as the parser goes on with it. */
  private static String asBrowserReads(String raw) {
    int start = 0;
    int end = raw.length();
    while (start < end && raw.charAt(start) <= ' ') {
      start++;
    }
    while (end > start && raw.charAt(end - 1) <= ' ') {
      end--;
    }
    StringBuilder b = new StringBuilder(end - start);
    for (int i = start; i < end; i++) {
      char c = raw.charAt(i);
      if (c == '\t' || c == '\n' || c == '\r') {
        continue;
      }
      b.append(c == '\\' ? '/' : c);
    }
    return b.toString();
  }

  /** For an absolute URL: its path if it is of this origin, else the fallback. */
  private String sameOriginPath(String s) {
    int colon = s.indexOf(':');
    if (colon <= 0 || !s.regionMatches(colon, "://", 0, 3)) {
      // No scheme (a relative path such as "account"), or a scheme without "//" ("http:evil"),
      // which a browser may read against the current URL or as another host: neither is followed.
      return FALLBACK;
    }
    try {
      URI u = new URI(printable(s));
      if (u.getScheme() == null || u.getRawUserInfo() != null || u.getHost() == null) {
        return FALLBACK;
      }
      String sch = u.getScheme().toLowerCase(Locale.ROOT);
      if (!sch.equals(scheme) || !authority(sch, u.getHost(), u.getPort()).equals(authority)) {
        return FALLBACK;
      }
      String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      if (path.startsWith("//")) {
        return FALLBACK;
      }
      return path
          + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())
          + (u.getRawFragment() == null ? "" : "#" + u.getRawFragment());
    } catch (URISyntaxException e) {
      return FALLBACK;
    }
  }

  private static String authority(String scheme, String host, int port) {
    int p = port >= 0 ? port : scheme.equals("https") ? 443 : 80;
    return host.toLowerCase(Locale.ROOT) + ":" + p;
  }

  /**
   * {@code s} with every character outside printable ASCII percent-encoded as UTF-8: what a browser
   * sends for them anyway, and all a header may carry. A lone surrogate becomes U+FFFD's bytes.
   */
  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      if (cp > ' ' && cp < 0x7f) {
        b.append((char) cp);
      } else {
        for (byte x : s.substring(i, i + n).getBytes(StandardCharsets.UTF_8)) {
          b.append('%')
              .append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
              .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
        }
      }
      i += n;
    }
    return b.toString();
  }
}
