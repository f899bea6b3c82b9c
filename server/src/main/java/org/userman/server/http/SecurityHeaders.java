package org.userman.server.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import java.util.ArrayList;
import java.util.List;

/**
 * The security headers of the two areas, made once with their HTTP/1 bytes: nothing sniffed, framed
 * or referred, a content policy (none at all for the API, which serves JSON only; the pages' own
 * stylesheet and forms for the pages), and HSTS when the public URL is https.
 */
public final class SecurityHeaders {
  /**
   * Pages load only their own stylesheet and their one script (passkeys need the browser's WebAuthn
   * calls), which fetches from this site only: nothing inline, no frames, no other origins.
   */
  static final String PAGE_CSP =
      "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final List<Header> api;
  private final List<Header> pages;

  public SecurityHeaders(boolean https) {
    this.api = headers(https, "default-src 'none'; frame-ancestors 'none'", "no-referrer");
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts,
    // and the pages' Origin check needs the real one; no page links elsewhere
    this.pages = headers(https, PAGE_CSP, "same-origin");
  }

  List<Header> api() {
    return api;
  }

  List<Header> pages() {
    return pages;
  }

  private static List<Header> headers(
      boolean https, String contentSecurityPolicy, String referrerPolicy) {
    List<Header> h = new ArrayList<>();
    h.add(HeaderValues.createCached("X-Content-Type-Options", "nosniff"));
    h.add(HeaderValues.createCached("Referrer-Policy", referrerPolicy));
    h.add(HeaderValues.createCached("X-Frame-Options", "DENY"));
    h.add(HeaderValues.createCached("Content-Security-Policy", contentSecurityPolicy));
    if (https) {
      h.add(
          HeaderValues.createCached(
              "Strict-Transport-Security", "max-age=31536000; includeSubDomains"));
    }
    return List.copyOf(h);
  }
}
