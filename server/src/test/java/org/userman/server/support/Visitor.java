package org.userman.server.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser of a sort for the pages: keeps the CSRF and session cookies it is given. */
public final class Visitor {
  private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  public static final String FORM = "application/x-www-form-urlencoded";
  private final TestServer s;
  private final String prefix;
  public String csrf;
  public String session;

  /** {@code prefix} is the cookies' name prefix: {@code __Host-} when the public URL is https. */
  public Visitor(TestServer s, String prefix) {
    this.s = s;
    this.prefix = prefix;
  }

  public Resp get(String path) {
    Resp r = s.send("GET", path, null, null, "Cookie", cookies());
    keep(r);
    return r;
  }

  /**
   * Posts a form with the page's CSRF token (fetching a page first for it) and this site's Origin.
   */
  public Resp post(String path, String... fields) {
    if (csrf == null) {
      get("/login");
    }
    return postRaw(
        path,
        "csrf=" + csrf + "&" + form(fields),
        "Origin",
        s.uri("").toString().replaceAll("/$", ""));
  }

  public Resp postRaw(String path, String body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Cookie";
    all[1] = cookies();
    System.arraycopy(headers, 0, all, 2, headers.length);
    Resp r = s.send("POST", path, FORM, body, all);
    keep(r);
    return r;
  }

  /** Signs in with the test password; fails the test if that does not work. */
  public Visitor signIn(String login) {
    Resp in = post("/login", "login", login, "password", TestServer.PASSWORD);
    if (in.status() != 303 || session == null) {
      throw new AssertionError("page sign-in failed: " + in);
    }
    return this;
  }

  private String cookies() {
    StringBuilder b = new StringBuilder(prefix + "um_csrf=" + (csrf == null ? "none" : csrf));
    if (session != null) {
      b.append("; ").append(prefix).append("um_session=").append(session);
    }
    return b.toString();
  }

  private void keep(Resp r) {
    for (String c : r.headers().allValues("Set-Cookie")) {
      String value = c.substring(c.indexOf('=') + 1, c.indexOf(';'));
      if (c.startsWith(prefix + "um_csrf=")) {
        csrf = value;
      } else if (c.startsWith(prefix + "um_session=")) {
        session = value.isEmpty() ? null : value;
      }
    }
    Matcher m = CSRF_FIELD.matcher(r.raw());
    if (csrf == null && m.find()) {
      csrf = m.group(1);
    }
  }

  public static String form(String... kv) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      b.append(i == 0 ? "" : "&")
          .append(kv[i])
          .append('=')
          .append(URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
    }
    return b.toString();
  }
}
