package org.userman.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.userman.auth.Authenticator;
import org.userman.auth.Principal;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.server.config.TrustedProxies;

/** One request as the API's handlers see it: its body, parameters, client and caller. */
public final class Call {
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final io.helidon.http.HeaderName FORWARDED_FOR =
      HeaderNames.create("X-Forwarded-For");
  private final ServerRequest req;
  private final ObjectMapper json;
  private final Authenticator authenticator;
  private final AdminCheck adminCheck;
  private final TrustedProxies proxies;
  private final StepUp stepUp;
  private Optional<Principal> principal;

  /**
   * Whether the session's user proved who they are recently enough for a sensitive action; {@code
   * reauthentication_required} otherwise.
   */
  public interface StepUp {
    void require(String userId, String sessionId);

    /** For a change that checks the current password itself (see {@code Sessions}). */
    void requireWithPassword(String userId, String sessionId);
  }

  /**
   * Whether a user or service account holds the admin role now (roles are read at each check, not
   * from the token).
   */
  @FunctionalInterface
  public interface AdminCheck {
    boolean isAdmin(Principal principal);
  }

  Call(
      ServerRequest req,
      ObjectMapper json,
      Authenticator authenticator,
      AdminCheck adminCheck,
      TrustedProxies proxies,
      StepUp stepUp) {
    this.proxies = proxies;
    this.stepUp = stepUp;
    this.req = req;
    this.json = json;
    this.authenticator = authenticator;
    this.adminCheck = adminCheck;
  }

  public String pathParam(String name) {
    return req.path().pathParameters().get(name);
  }

  /** A query parameter; {@code validation_failed} when it holds a lone surrogate. */
  public Optional<String> query(String name) {
    var q = req.query();
    if (!q.contains(name)) {
      return Optional.empty();
    }
    String v = q.get(name);
    if (Text.hasLoneSurrogate(v)) {
      throw new ValidationException(
          FieldError.invalidFormat(
              name, "holds a lone surrogate, which no text encoding can write"));
    }
    return Optional.of(v);
  }

  /** The client's address (from X-Forwarded-For only behind a trusted proxy) and user agent. */
  public ClientInfo client() {
    return clientOf(req, proxies);
  }

  /** The client of any request, web pages' too: the address as {@link #client()} finds it. */
  public static ClientInfo clientOf(ServerRequest req, TrustedProxies proxies) {
    String peer =
        req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
            ? a.getAddress().getHostAddress()
            : req.remotePeer().host();
    String forwarded =
        req.headers().contains(FORWARDED_FOR)
            ? String.join(",", req.headers().get(FORWARDED_FOR).allValues())
            : null;
    return new ClientInfo(
        proxies.client(peer, forwarded), req.headers().first(HeaderNames.USER_AGENT).orElse(null));
  }

  /** Who acts, for the audit log: the authenticated caller if any, and the client. */
  public Actor actor() {
    Principal p = principal().orElse(null);
    return p == null ? Actor.anonymous(client()) : new Actor(p.userId(), p.sessionId(), client());
  }

  /**
   * The JSON object in the body, limited to {@code allowed} fields. An empty body reads as {@code
   * {}}.
   */
  public JsonBody body(Set<String> allowed) {
    return new JsonBody(readObject()).allow(allowed);
  }

  private ObjectNode readObject() {
    byte[] bytes = body(req, "application/json", MAX_BODY_BYTES, "body");
    if (bytes.length == 0) {
      return json.createObjectNode();
    }
    JsonNode node;
    try {
      node = json.readTree(bytes);
    } catch (JacksonException e) {
      throw new UsermanException(ErrorCode.MALFORMED_REQUEST, "The body is not valid JSON.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || node.isMissingNode()) {
      return json.createObjectNode();
    }
    if (!node.isObject()) {
      throw new UsermanException(ErrorCode.MALFORMED_REQUEST, "The body must be a JSON object.");
    }
    return (ObjectNode) node;
  }

  /**
   * The body of a request, of the one media type its endpoint takes and at most {@code max} bytes
   * (refused by its declared length before reading, where it has one); empty when there is none.
   */
  public static byte[] body(ServerRequest req, String mediaType, int max, String what) {
    var headers = req.headers();
    long declared = headers.contentLength().orElse(-1);
    if (declared > max) {
      throw tooLarge(what, max);
    }
    if (declared == 0 || (declared < 0 && !req.content().hasEntity())) {
      return new byte[0];
    }
    String type =
        headers
            .first(HeaderNames.CONTENT_TYPE)
            .orElse("")
            .split(";", 2)[0]
            .strip()
            .toLowerCase(Locale.ROOT);
    if (!type.equals(mediaType)) {
      throw new UsermanException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the " + what + " as " + mediaType + ".");
    }
    byte[] bytes;
    try (InputStream in = req.content().inputStream()) {
      bytes = in.readNBytes(max + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (bytes.length <= max) {
      req.context().get(RequestState.class, RequestState.class).ifPresent(RequestState::bodyRead);
    }
    if (bytes.length > max) {
      throw tooLarge(what, max);
    }
    return bytes;
  }

  private static UsermanException tooLarge(String what, int max) {
    return new UsermanException(
        ErrorCode.PAYLOAD_TOO_LARGE, "The " + what + " is larger than " + max / 1024 + " KiB.");
  }

  /**
   * The authenticated user; {@code unauthenticated} when there is none, {@code forbidden} for a
   * service account, which has no account of its own to act on.
   */
  public Principal user() {
    Principal p = caller();
    if (p.isServiceAccount()) {
      throw new UsermanException(
          ErrorCode.FORBIDDEN,
          "A service account has no user account; it may call the admin operations its roles"
              + " allow.");
    }
    return p;
  }

  /** The caller of a valid credential, a user or a service account; empty for anyone else. */
  public Optional<Principal> callerIfAny() {
    return principal();
  }

  /** The authenticated caller, a user or a service account; {@code unauthenticated} otherwise. */
  public Principal caller() {
    return principal()
        .orElseThrow(
            () ->
                new UsermanException(
                    ErrorCode.UNAUTHENTICATED,
                    "The credential is missing, invalid, expired or revoked."));
  }

  /**
   * The caller, a user or a service account, who must hold the admin role; {@code forbidden}
   * otherwise.
   */
  public Principal admin() {
    Principal p = caller();
    if (!adminCheck.isAdmin(p)) {
      throw new UsermanException(ErrorCode.FORBIDDEN, "This needs the admin role.");
    }
    return p;
  }

  /**
   * The caller, who must have signed in (not an API key): for managing credentials and sessions.
   */
  public Principal sessionUser() {
    Principal p = user();
    if (p.viaApiKey()) {
      throw new UsermanException(
          ErrorCode.FORBIDDEN, "API keys cannot manage credentials or sessions; sign in.");
    }
    return p;
  }

  /**
   * The caller, signed in (not an API key), for a sensitive action: it needs a recent sign-in or
   * re-authentication ({@code reauthentication_required}).
   */
  public Principal recentSessionUser() {
    Principal p = sessionUser();
    stepUp.require(p.userId(), p.sessionId());
    return p;
  }

  /**
   * As {@link #recentSessionUser}, for a change whose request carries the current password, which
   * is the proof an account without a second factor needs.
   */
  public Principal recentSessionUserWithPassword() {
    Principal p = sessionUser();
    stepUp.requireWithPassword(p.userId(), p.sessionId());
    return p;
  }

  /** Whether the request carries a credential at all (valid or not). */
  public boolean hasCredential() {
    return credential() != null;
  }

  public boolean callerIsAdmin() {
    return principal().map(adminCheck::isAdmin).orElse(false);
  }

  private Optional<Principal> principal() {
    if (principal == null) {
      String credential = credential();
      principal =
          credential == null
              ? Optional.empty()
              : authenticator.tryAuthenticate(credential, Actor.anonymous(client()));
    }
    return principal;
  }

  private String credential() {
    var headers = req.headers();
    Optional<String> auth = headers.first(HeaderNames.AUTHORIZATION);
    if (auth.isPresent()) {
      String v = auth.get();
      if (v.length() > 7 && v.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return v.substring(7).strip();
      }
      return "";
    }
    return headers.first(HeaderNames.create("X-API-Key")).map(String::strip).orElse(null);
  }
}
