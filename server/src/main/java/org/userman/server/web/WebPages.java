package org.userman.server.web;

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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import org.userman.auth.Authenticator;
import org.userman.auth.Principal;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.limit.RateLimitedException;
import org.userman.server.config.TrustedProxies;
import org.userman.server.http.Call;
import org.userman.server.http.ErrorMapping;
import org.userman.server.http.Problems;
import org.userman.server.http.RequestState;

/**
 * The server-rendered pages people use in a browser, and what every page shares: Pebble templates
 * (escaped), a session cookie holding a server-side session (HttpOnly, SameSite=Lax, Secure and
 * {@code __Host-} over https), a CSRF token on every form ({@link Csrf}). Pages are routes of
 * Helidon's routing like the API's, and pass the same filter (request id, log line, request scope,
 * the pages' security headers); they answer with HTML, never JSON: failures become a page (through
 * {@link org.userman.server.http.ErrorMapping}, as this class's {@link #errors}), and form errors
 * show next to their fields.
 */
public final class WebPages {
  private static final String STYLESHEET = "/assets/userman.css";
  private static final String SCRIPT = "/assets/passkeys.js";
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final Map<String, String> NOTICES =
      Map.ofEntries(
          Map.entry("signed_out", "You are signed out."),
          Map.entry("signed_out_everywhere", "You are signed out on every device."),
          Map.entry("password_reset", "Your password is changed. Sign in with the new one."),
          Map.entry("verified", "Your email address is verified. You can sign in."),
          Map.entry("welcome", "Welcome! Your account is ready."),
          Map.entry("profile_saved", "Your profile is saved."),
          Map.entry(
              "email_sent",
              "We sent a link to the new address. Your email changes when you open it."),
          Map.entry(
              "password_changed",
              "Your password is changed. Your other devices are signed out; your API keys still work."),
          Map.entry("session_ended", "That device is signed out."),
          Map.entry("key_revoked", "The API key is revoked."),
          Map.entry("passkey_added", "The passkey is added. It signs you in with no password."),
          Map.entry("passkey_removed", "The passkey is removed."),
          Map.entry("keys_revoked", "Every API key is revoked."),
          Map.entry("status_changed", "The user's status is changed."),
          Map.entry("roles_saved", "The user's roles are saved."),
          Map.entry(
              "unlocked", "The user's sign-in lock is lifted: they can sign in again at once."),
          Map.entry("deleted", "The user is deleted."),
          Map.entry("totp_off", "Two-step sign-in is off. Signing in asks for your password only."),
          Map.entry(
              "reauthenticated",
              "Thank you: you can change your password, email, API keys and recovery codes now."),
          Map.entry("webhook_enabled", "The webhook endpoint is enabled."),
          Map.entry("webhook_disabled", "The webhook endpoint is disabled."),
          Map.entry("redelivered", "The delivery is queued again."),
          Map.entry("service_account_enabled", "The service account is enabled."),
          Map.entry(
              "service_account_disabled",
              "The service account is disabled: its secrets and tokens are refused."),
          Map.entry("secret_revoked", "The secret is revoked, with every token granted with it."),
          Map.entry("service_account_deleted", "The service account is deleted."),
          Map.entry("joined", "Welcome: you are a member of the organization now."),
          Map.entry("member_saved", "The member's roles are saved."),
          Map.entry("member_removed", "The member is removed."),
          Map.entry("organization_left", "You left the organization."),
          Map.entry("invitation_sent", "The invitation is on its way."),
          Map.entry("invitation_revoked", "The invitation is revoked."));

  /** A page's handler. */
  @FunctionalInterface
  interface Handler {
    WebReply handle(WebCall call);
  }

  private record PageRoute(Method method, String path, Handler handler) {}

  private final List<PageRoute> routes = new ArrayList<>();
  private final Authenticator authenticator;
  private final Call.AdminCheck adminCheck;
  private final TrustedProxies proxies;
  private final Csrf csrf;
  private final boolean https;
  private final String product;
  private final Duration sessionTtl;
  private final ReturnPath returnPath;
  private final int passwordMinLength;
  private PebbleEngine engine;

  public WebPages(
      Authenticator authenticator,
      Call.AdminCheck adminCheck,
      TrustedProxies proxies,
      SecureRandom random,
      boolean https,
      String product,
      Duration sessionTtl,
      String publicUrl,
      int passwordMinLength) {
    this.authenticator = authenticator;
    this.adminCheck = adminCheck;
    this.proxies = proxies;
    this.csrf = new Csrf(random);
    this.https = https;
    this.product = product;
    this.sessionTtl = sessionTtl;
    this.returnPath = new ReturnPath(publicUrl);
    this.passwordMinLength = passwordMinLength;
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
    routing.get(
        STYLESHEET,
        (req, res) -> {
          RequestState.of(req).answeredByPage();
          asset(res, "/pages/userman.css", "text/css; charset=UTF-8");
        });
    routing.get(
        SCRIPT,
        (req, res) -> {
          RequestState.of(req).answeredByPage();
          asset(res, "/pages/passkeys.js", "text/javascript; charset=UTF-8");
        });
    for (PageRoute r : routes) {
      routing.route(r.method(), r.path(), (req, res) -> serve(r, req, res));
    }
  }

  /** How a failure in a page's route is shown: a page, never JSON. */
  public ErrorMapping.PageErrors errors() {
    return new ErrorMapping.PageErrors() {
      @Override
      public void send(ServerRequest req, ServerResponse res, UsermanException e) {
        WebReply reply =
            e instanceof RateLimitedException limited
                ? WebReply.page(
                    429,
                    "message",
                    Map.of(
                        "title",
                        "Too many attempts",
                        "retryAfter",
                        limited.retryAfterSeconds(),
                        "text",
                        e.getMessage()))
                : message(Problems.status(e.code()), title(e.code()), e.getMessage());
        write(res, call(req), reply);
      }

      @Override
      public boolean handleOther(ServerRequest req, ServerResponse res, RuntimeException e) {
        if (!(e instanceof SignInRequired)) {
          return false;
        }
        String back =
            req.prologue().method().equals(Method.GET)
                ? req.path().path() + (req.query().isEmpty() ? "" : "?" + req.query().rawValue())
                : "/account";
        write(res, call(req), WebReply.redirect("/login?next=" + encode(back)));
        return true;
      }
    };
  }

  // ---- what handlers use

  ClientInfo client(ServerRequest req) {
    return Call.clientOf(req, proxies);
  }

  Optional<Principal> authenticate(String cookie, Actor client) {
    return authenticator.tryCookie(cookie, client);
  }

  boolean isAdmin(Principal principal) {
    return adminCheck.isAdmin(principal);
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
    return name
        + "="
        + value
        + "; Path=/; HttpOnly; SameSite=Lax"
        + (maxAge >= 0 ? "; Max-Age=" + maxAge : "")
        + (https ? "; Secure" : "");
  }

  /** The message of a notice code from a redirect's query; unknown codes show nothing. */
  static Optional<String> notice(WebCall c) {
    return c.query("notice").map(NOTICES::get);
  }

  static String when(Instant t) {
    return t == null ? "" : WHEN.format(t);
  }

  /**
   * Where {@code next} leads on this site after signing in; anything that would leave it leads to
   * /account.
   */
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
  static WebReply invalid(
      String template, Map<String, Object> model, UsermanException e, Map<String, String> rename) {
    Map<String, String> errors = new LinkedHashMap<>();
    String alert;
    if (e instanceof ValidationException v) {
      for (FieldError f : v.errors()) {
        errors.putIfAbsent(rename.getOrDefault(f.field(), f.field()), sentence(f.message()));
      }
      alert = "Please correct the marked fields.";
    } else {
      String field =
          switch (e.code()) {
            case EMAIL_TAKEN -> "email";
            case USERNAME_TAKEN -> "username";
            case WRONG_CURRENT_PASSWORD -> "current_password";
            case WRONG_CODE, INVALID_SECOND_FACTOR -> "code";
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
    String s =
        message.isEmpty()
            ? message
            : Character.toUpperCase(message.charAt(0)) + message.substring(1);
    return s.endsWith(".") ? s : s + ".";
  }

  // ---- serving

  /**
   * Serves one page: a form post must be this site's ({@link Csrf}); failures go to {@link
   * #errors}.
   */
  private void serve(PageRoute route, ServerRequest req, ServerResponse res) {
    RequestState.of(req).answeredByPage();
    WebCall call = call(req);
    WebReply reply =
        route.method().equals(Method.POST) && !Csrf.formIsOurs(call, call.csrf())
            ? message(
                403,
                "This form has expired",
                "The page was open too long or came from elsewhere. Go back, reload the page and try again.")
            : route.handler().handle(call);
    write(res, call, reply);
  }

  /**
   * The request's page call, made once and kept in its context (the error handlers find it there).
   */
  private WebCall call(ServerRequest req) {
    return req.context()
        .get(WebCall.class, WebCall.class)
        .orElseGet(
            () -> {
              WebCall c = new WebCall(req, this);
              c.csrf(csrf.of(c.cookie(csrfCookie())));
              req.context().register(WebCall.class, c);
              return c;
            });
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

  private void write(ServerResponse res, WebCall call, WebReply reply) {
    res.status(reply.status());
    Csrf.Token csrf = call.csrf();
    if (csrf.fresh()) {
      res.headers()
          .add(HeaderValues.create(HeaderNames.SET_COOKIE, cookie(csrfCookie(), csrf.value(), -1)));
    }
    for (String c : reply.cookies()) {
      res.headers().add(HeaderValues.create(HeaderNames.SET_COOKIE, c));
    }
    if (reply.location() != null) {
      res.header(HeaderNames.LOCATION, reply.location());
      res.send();
      return;
    }
    if (reply.json() != null) {
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.header(HeaderNames.CACHE_CONTROL, "no-store");
      res.send(reply.json().getBytes(StandardCharsets.UTF_8));
      return;
    }
    Map<String, Object> model = new HashMap<>(reply.model());
    model.put("csrf", csrf.value());
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

  private static void asset(ServerResponse res, String resource, String contentType) {
    try (InputStream in = WebPages.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      res.header(HeaderNames.CONTENT_TYPE, contentType);
      res.header(HeaderNames.CACHE_CONTROL, "public, max-age=3600");
      res.send(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pebble is built for the first page, not at start-up, which it would slow. */
  private synchronized PebbleEngine engine() {
    if (engine == null) {
      ClasspathLoader loader = new ClasspathLoader(WebPages.class.getClassLoader());
      loader.setPrefix("pages");
      loader.setSuffix(".peb");
      engine =
          new PebbleEngine.Builder()
              .loader(loader)
              .autoEscaping(true)
              .strictVariables(false)
              .build();
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
