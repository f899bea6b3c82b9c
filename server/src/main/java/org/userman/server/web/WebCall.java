package org.userman.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.userman.auth.Principal;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.password.Password;
import org.userman.server.http.FormBody;

/**
 * One page request as handlers see it: its form fields, query, cookies, client and signed-in
 * person.
 */
final class WebCall {
  static final int MAX_FORM_BYTES = 64 * 1024;
  private final ServerRequest req;
  private final WebPages web;
  private Map<String, String> form;
  private Map<String, String> cookies;
  private Optional<Principal> principal;
  private Boolean admin;
  private Csrf.Token csrf;

  WebCall(ServerRequest req, WebPages web) {
    this.req = req;
    this.web = web;
  }

  Csrf.Token csrf() {
    return csrf;
  }

  void csrf(Csrf.Token token) {
    this.csrf = token;
  }

  String method() {
    return req.prologue().method().text();
  }

  String pathParam(String name) {
    return req.path().pathParameters().get(name);
  }

  /** A query parameter; empty when absent or blank. */
  Optional<String> query(String name) {
    var q = req.query();
    return q.contains(name) ? Optional.of(q.get(name)).filter(v -> !v.isBlank()) : Optional.empty();
  }

  /** A form field as typed; null when absent. */
  String field(String name) {
    return form().get(name);
  }

  /** A form field, null when absent or blank (for optional fields). */
  String optional(String name) {
    String v = field(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** A password field; null when absent or empty (passwords are never stripped). */
  Password password(String name) {
    String v = field(name);
    return v == null || v.isEmpty() ? null : Password.of(v);
  }

  ClientInfo client() {
    return web.client(req);
  }

  /** Who acts, for the audit log. */
  Actor actor() {
    Principal p = principal().orElse(null);
    return p == null ? Actor.anonymous(client()) : new Actor(p.userId(), p.sessionId(), client());
  }

  /** The signed-in person, by the session cookie. */
  Optional<Principal> principal() {
    if (principal == null) {
      String secret = cookie(web.sessionCookie());
      principal =
          secret == null ? Optional.empty() : web.authenticate(secret, Actor.anonymous(client()));
    }
    return principal;
  }

  /** The signed-in person; the visitor is sent to sign in otherwise. */
  Principal user() {
    return principal().orElseThrow(SignInRequired::new);
  }

  /** The signed-in person, who must hold the admin role. */
  Principal admin() {
    Principal p = user();
    if (!isAdmin()) {
      throw new UsermanException(ErrorCode.FORBIDDEN, "This page is for admins.");
    }
    return p;
  }

  /**
   * Whether the signed-in person holds the admin role: read once per request, for the page and its
   * navigation.
   */
  boolean isAdmin() {
    if (admin == null) {
      admin = principal().map(web::isAdmin).orElse(false);
    }
    return admin;
  }

  String cookie(String name) {
    if (cookies == null) {
      cookies = new HashMap<>();
      for (String header :
          req.headers().contains(HeaderNames.COOKIE)
              ? req.headers().get(HeaderNames.COOKIE).allValues()
              : java.util.List.<String>of()) {
        for (String pair : header.split(";", -1)) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            cookies.putIfAbsent(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
          }
        }
      }
    }
    return cookies.get(name);
  }

  Optional<String> header(String name) {
    return req.headers().first(HeaderNames.create(name));
  }

  /**
   * The urlencoded form in the body (the only kind the pages send), read once; the first value of a
   * field sent twice.
   */
  private Map<String, String> form() {
    if (form == null) {
      form = new HashMap<>();
      FormBody.read(req, MAX_FORM_BYTES).forEach((k, v) -> form.put(k, v.get(0)));
    }
    return form;
  }
}
