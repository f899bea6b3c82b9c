package org.userman.server.web;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.common.Actor;
import org.userman.auth.Authenticator;
import org.userman.auth.Principal;
import org.userman.limit.RateLimitedException;
import org.userman.server.http.Call;
import org.userman.server.http.HttpApi;
import org.userman.server.http.Problems;
import org.userman.server.http.RequestLog;
import org.userman.server.config.TrustedProxies;
import org.userman.common.ClientInfo;
import org.userman.store.Storage;

/**
 * The server-rendered pages people use in a browser, and what every page shares: Pebble templates
 * (escaped), a session cookie holding a server-side session (HttpOnly, SameSite=Lax, Secure and
 * {@code __Host-} over https), a CSRF token on every form (a double-submitted cookie, plus the
 * Origin check), one log line per request, and strict security headers. Pages answer with HTML,
 * never JSON: failures become a page, and form errors show next to their fields.
 */
public final class WebPages {
  /** Pages load only their own stylesheet: no scripts, frames or other origins. */
  private static final String CSP =
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final String STYLESHEET = "/assets/userman.css";
  private static final Pattern CSRF_VALUE = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Map<String, String> NOTICES = Map.ofEntries(
      Map.entry("signed_out", "You are signed out."),
      Map.entry("signed_out_everywhere", "You are signed out on every device."),
      Map.entry("password_reset", "Your password is changed. Sign in with the new one."),
      Map.entry("verified", "Your email address is verified. You can sign in."),
      Map.entry("welcome", "Welcome! Your account is ready."),
      Map.entry("profile_saved", "Your profile is saved."),
      Map.entry("email_sent", "We sent a link to the new address. Your email changes when you open it."),
      Map.entry("password_changed", "Your password is changed. Your other devices are signed out; your API keys still work."),
      Map.entry("session_ended", "That device is signed out."),
      Map.entry("key_revoked", "The API key is revoked."),
      Map.entry("keys_revoked", "Every API key is revoked."),
      Map.entry("status_changed", "The user's status is changed."),
      Map.entry("roles_saved", "The user's roles are saved."),
      Map.entry("unlocked", "The user's sign-in lock is lifted: they can sign in again at once."),
      Map.entry("deleted", "The user is deleted."));

  /** A page's handler. */
  @FunctionalInterface
  interface Handler {
    WebReply handle(WebCall call);
  }

  private record PageRoute(Method method, String path, Handler handler) {}

  private final List<PageRoute> routes = new ArrayList<>();
  private final Authenticator authenticator;
  private final Storage storage;
  private final Call.AdminCheck adminCheck;
  private final TrustedProxies proxies;
  private final RequestLog log;
  private final SecureRandom random;
  private final boolean https;
  private final String product;
  private final Duration sessionTtl;
  private final ReturnPath returnPath;
  private final int passwordMinLength;
  private final List<Header> securityHeaders;
  private PebbleEngine engine;

  public WebPages(
      Authenticator authenticator,
      Storage storage,
      Call.AdminCheck adminCheck,
      TrustedProxies proxies,
      RequestLog log,
      SecureRandom random,
      boolean https,
      String product,
      Duration sessionTtl,
      String publicUrl,
      int passwordMinLength) {
    this.authenticator = authenticator;
    this.storage = storage;
    this.adminCheck = adminCheck;
    this.proxies = proxies;
    this.log = log;
    this.random = random;
    this.https = https;
    this.product = product;
    this.sessionTtl = sessionTtl;
    this.returnPath = new ReturnPath(publicUrl);
    this.passwordMinLength = passwordMinLength;
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts,
    // and the Origin check needs the real one; no page links elsewhere
    this.securityHeaders = HttpApi.securityHeaders(https, CSP, "same-origin");
  }

  WebPages get(String path, Handler h) {
    routes.add(new PageRoute(Method.GET, path, h));
    return this;
  }

  WebPages post(String path, Handler h) {
    routes.add(new PageRoute(Method.POST, path, h));
    return this;
  }

  public void register(HttpRouting.Builder routing) {
    routing.get(STYLESHEET, (req, res) -> stylesheet(res));
    for (PageRoute r : routes) {
      routing.route(r.method(), r.path(), (req, res) -> serve(r, req, res));
    }
  }

  // ---- what handlers use

  ClientInfo client(ServerRequest req) {
    return Call.clientOf(req, proxies);
  }

  Optional<Principal> authenticate(String cookie, Actor client) {
    return authenticator.tryCookie(cookie, client);
  }

  boolean isAdmin(String userId) {
    return adminCheck.isAdmin(userId);
  }

  String sessionCookie() {
    return https ? "__Host-um_session" : "um_session";
  }

  private String csrfCookie() {
    return https ? "__Host-um_csrf" : "um_csrf";
  }

  /** The Set-Cookie value that hands the browser its session. */
  String signInCookie(String secret) {
    return cookie(sessionCookie(), secret, sessionTtl.toSeconds());
  }

  /** The Set-Cookie value that removes the session from the browser. */
  String signOutCookie() {
    return cookie(sessionCookie(), "", 0);
  }

  private String cookie(String name, String value, long maxAge) {
    return name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax" + (maxAge >= 0 ? "; Max-Age=" + maxAge : "")
        + (https ? "; Secure" : "");
  }

  /** The message of a notice code from a redirect's query; unknown codes show nothing. */
  static Optional<String> notice(WebCall c) {
    return c.query("notice").map(NOTICES::get);
  }

  static String when(Instant t) {
    return t == null ? "" : WHEN.format(t);
  }

  /** Where {@code next} leads on this site after signing in; anything that would leave it leads to /account. */
  String returnPath(String next) {
    return returnPath.resolve(next);
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * The page of a form that failed: field errors under their fields (renamed to the form's field
   * names where they differ), anything else as an alert above the form, with the failure's status.
   */
  static WebReply invalid(String template, Map<String, Object> model, UsermanException e, Map<String, String> rename) {
    Map<String, String> errors = new LinkedHashMap<>();
    String alert;
    if (e instanceof ValidationException v) {
      for (FieldError f : v.errors()) {
        errors.putIfAbsent(rename.getOrDefault(f.field(), f.field()), sentence(f.message()));
      }
      alert = "Please correct the marked fields.";
    } else {
      String field = switch (e.code()) {
        case EMAIL_TAKEN -> "email";
        case USERNAME_TAKEN -> "username";
        case WRONG_CURRENT_PASSWORD -> "current_password";
        default -> null;
      };
      if (field != null) {
        errors.put(rename.getOrDefault(field, field), e.getMessage());
        alert = "Please correct the marked fields.";
      } else {
        alert = e.getMessage();
      }
    }
    Map<String, Object> m = new HashMap<>(model);
    if (e instanceof RateLimitedException limited) {
      m.put("retryAfter", limited.retryAfterSeconds());
    }
    m.put("errors", errors);
    m.put("alert", alert);
    return WebReply.page(Problems.status(e.code()), template, m);
  }

  private static String sentence(String message) {
    String s = message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1);
    return s.endsWith(".") ? s : s + ".";
  }

  // ---- serving

  /** Serves one page, as one span for the per-request reads (see {@link Storage#request}). */
  private void serve(PageRoute route, ServerRequest req, ServerResponse res) {
    Storage.RequestScope span = storage.request();
    try {
      serveWithin(route, req, res);
    } finally {
      span.close();
    }
  }

  private void serveWithin(PageRoute route, ServerRequest req, ServerResponse res) {
    long start = System.nanoTime();
    String requestId = log.newRequestId();
    WebCall call = new WebCall(req, this);
    String csrf = call.cookie(csrfCookie());
    boolean freshCsrf = csrf == null || !CSRF_VALUE.matcher(csrf).matches();
    if (freshCsrf) {
      csrf = newCsrfToken();
    }
    WebReply reply;
    try {
      if (route.method() == Method.POST && !formIsOurs(call, csrf, freshCsrf)) {
        reply = message(403, "This form has expired",
            "The page was open too long or came from elsewhere. Go back, reload the page and try again.");
      } else {
        reply = route.handler().handle(call);
      }
    } catch (SignInRequired e) {
      String back = req.prologue().method() == Method.GET ? req.path().path() + (req.query().isEmpty() ? "" : "?" + req.query().rawValue()) : "/account";
      reply = WebReply.redirect("/login?next=" + encode(back));
    } catch (RateLimitedException e) {
      reply = WebReply.page(429, "message", Map.of("title", "Too many attempts", "retryAfter", e.retryAfterSeconds(), "text", e.getMessage()));
    } catch (UsermanException e) {
      reply = message(Problems.status(e.code()), title(e.code()), e.getMessage());
    } catch (RuntimeException e) {
      log.error(requestId, e);
      reply = message(500, "Something went wrong", "Something went wrong on our side; request id " + requestId + ".");
    }
    log.request(route.method().text(), route.path(), reply.status(), System.nanoTime() - start, requestId);
    write(res, call, reply, csrf, freshCsrf, requestId);
  }

  /** 32 random bytes, base64url: a CSRF token (43 characters, as {@link #CSRF_VALUE} expects). */
  private String newCsrfToken() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** A form post must carry the CSRF cookie's value, and come from this site when the browser says where from. */
  private static boolean formIsOurs(WebCall c, String csrf, boolean freshCsrf) {
    String sent = c.field("csrf");
    if (freshCsrf || sent == null
        || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), csrf.getBytes(StandardCharsets.UTF_8))) {
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
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static String title(ErrorCode code) {
    return switch (code) {
      case FORBIDDEN -> "Not allowed";
      case NOT_FOUND -> "Not found";
      case UNAVAILABLE -> "Unavailable";
      default -> "Something is wrong";
    };
  }

  static WebReply message(int status, String title, String text) {
    return WebReply.page(status, "message", Map.of("title", title, "text", text));
  }

  private void write(ServerResponse res, WebCall call, WebReply reply, String csrf, boolean freshCsrf, String requestId) {
    res.status(reply.status());
    res.header(HeaderNames.create("X-Request-Id"), requestId);
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    securityHeaders(res);
    if (freshCsrf) {
      res.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, cookie(csrfCookie(), csrf, -1)));
    }
    for (String c : reply.cookies()) {
      res.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, c));
    }
    if (reply.location() != null) {
      res.header(HeaderNames.LOCATION, reply.location());
      res.send();
      return;
    }
    Map<String, Object> model = new HashMap<>(reply.model());
    model.put("csrf", csrf);
    model.put("product", product);
    model.put("minPasswordLength", passwordMinLength);
    model.putIfAbsent("errors", Map.of());
    model.putIfAbsent("values", Map.of());
    boolean signedOut = reply.cookies().contains(signOutCookie());
    model.put("signedIn", !signedOut && safely(() -> call.principal().isPresent()));
    model.put("admin", !signedOut && safely(call::isAdmin));
    if (model.get("retryAfter") instanceof Long seconds) {
      res.header(HeaderNames.RETRY_AFTER, Long.toString(seconds));
    }
    res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8");
    res.send(render(reply.template(), model).getBytes(StandardCharsets.UTF_8));
  }

  /** A fact for the navigation bar; a failure here (say, the database) must not hide the page. */
  private static boolean safely(java.util.function.BooleanSupplier fact) {
    try {
      return fact.getAsBoolean();
    } catch (UsermanException e) {
      return false;
    }
  }

  private void securityHeaders(ServerResponse res) {
    securityHeaders.forEach(res::header);
  }

  private void stylesheet(ServerResponse res) {
    try (InputStream in = WebPages.class.getResourceAsStream("/pages/userman.css")) {
      if (in == null) {
        throw new IllegalStateException("pages/userman.css is missing from the jar");
      }
      securityHeaders(res);
      res.header(HeaderNames.CONTENT_TYPE, "text/css; charset=UTF-8");
      res.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
      res.send(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pebble is built for the first page, not at start-up (it costs some 50 ms). */
  private synchronized PebbleEngine engine() {
    if (engine == null) {
      ClasspathLoader loader = new ClasspathLoader(WebPages.class.getClassLoader());
      loader.setPrefix("pages");
      loader.setSuffix(".peb");
      engine = new PebbleEngine.Builder().loader(loader).autoEscaping(true).strictVariables(false).build();
    }
    return engine;
  }

  private String render(String template, Map<String, Object> model) {
    StringWriter out = new StringWriter();
    try {
      engine().getTemplate(template).evaluate(out, model);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the page " + template, e);
    }
    return out.toString();
  }
}
