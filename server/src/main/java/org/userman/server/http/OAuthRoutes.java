package org.userman.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userman.auth.Authenticator;
import org.userman.auth.Principal;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.limit.RateLimitedException;
import org.userman.serviceaccount.ClientToken;
import org.userman.serviceaccount.ServiceAccounts;

/**
 * The OAuth 2.0 endpoints for service accounts: the client credentials grant (RFC 6749 section
 * 4.4), token introspection (RFC 7662) and the server's metadata (RFC 8414). They speak OAuth's own
 * dialect: urlencoded forms in, and errors as {@code {"error", "error_description"}} (RFC 6749
 * section 5.2) rather than problem documents, so that any OAuth client library understands them.
 */
public final class OAuthRoutes {
  static final String TOKEN_PATH = "/oauth2/token";
  static final String INTROSPECTION_PATH = "/oauth2/introspect";
  private static final int MAX_FORM_BYTES = 8 * 1024;
  private static final List<String> AUTH_METHODS =
      List.of("client_secret_basic", "client_secret_post");

  private final Api api;
  private final ServiceAccounts accounts;
  private final Authenticator authenticator;
  private final String issuer;

  /** {@code issuer} is the public URL, which the tokens name as their issuer. */
  public OAuthRoutes(
      Api api, ServiceAccounts accounts, Authenticator authenticator, String issuer) {
    this.api = api;
    this.accounts = accounts;
    this.authenticator = authenticator;
    this.issuer = issuer;
  }

  public void declare(ApiRoutes r) {
    r.post(TOKEN_PATH, "grantToken", (req, res) -> oauth(res, () -> token(req, res)))
        .post(
            INTROSPECTION_PATH,
            "introspectToken",
            (req, res) -> oauth(res, () -> introspect(req, res)))
        .get(
            "/.well-known/oauth-authorization-server",
            "getAuthorizationServerMetadata",
            (req, res) -> {
              res.header(HeaderNames.CACHE_CONTROL, "public, max-age=300");
              api.ok(res, metadata());
            });
  }

  private Map<String, Object> metadata() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("issuer", issuer);
    m.put("token_endpoint", issuer + TOKEN_PATH);
    m.put("introspection_endpoint", issuer + INTROSPECTION_PATH);
    m.put("jwks_uri", issuer + "/.well-known/jwks.json");
    m.put("grant_types_supported", List.of("client_credentials"));
    m.put("response_types_supported", List.of());
    m.put("token_endpoint_auth_methods_supported", AUTH_METHODS);
    m.put("introspection_endpoint_auth_methods_supported", AUTH_METHODS);
    m.put("service_documentation", issuer + "/api/v1/openapi.json");
    return m;
  }

  private void token(ServerRequest req, ServerResponse res) {
    Call c = api.call(req);
    Map<String, String> form = form(req);
    String grantType = form.get("grant_type");
    if (grantType == null) {
      throw new OAuthError(400, "invalid_request", "grant_type is required.");
    }
    ClientCredentials client = clientCredentials(req, form);
    if (!"client_credentials".equals(grantType)) {
      throw new OAuthError(400, "unsupported_grant_type", "The only grant is client_credentials.");
    }
    ClientToken token = accounts.grant(client.id(), client.secret(), form.get("scope"), c.actor());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("access_token", token.accessToken());
    body.put("token_type", "Bearer");
    body.put("expires_in", token.expiresInSeconds());
    body.put("scope", String.join(" ", token.scope()));
    res.header(HeaderNames.PRAGMA, "no-cache");
    api.ok(res, body);
  }

  private void introspect(ServerRequest req, ServerResponse res) {
    Call c = api.call(req);
    Map<String, String> form = form(req);
    Optional<String> bearer =
        req.headers()
            .first(HeaderNames.AUTHORIZATION)
            .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7));
    if (bearer.isPresent()) {
      // a service account's own token or secret vouches for it as well as its id and secret
      if (c.callerIfAny().filter(Principal::isServiceAccount).isEmpty()) {
        throw notClient();
      }
      if (form.containsKey("client_id") || form.containsKey("client_secret")) {
        throw new OAuthError(400, "invalid_request", "Use one way to authenticate the client.");
      }
      api.ok(res, answer(form));
      return;
    }
    ClientCredentials client = clientCredentials(req, form);
    accounts.authenticateClient(client.id(), client.secret(), c.actor());
    api.ok(res, answer(form));
  }

  private Map<String, Object> answer(Map<String, String> form) {
    String token = form.get("token");
    if (token == null || token.isEmpty()) {
      throw new OAuthError(400, "invalid_request", "token is required.");
    }
    return authenticator.introspect(token);
  }

  private record ClientCredentials(String id, String secret) {}

  private static final ClientCredentials NONE = new ClientCredentials(null, null);

  /**
   * The client's id and secret: from HTTP Basic (each part urlencoded, RFC 6749 section 2.3.1) or
   * from the form, never both. Either is null when the request has none (or no readable one): the
   * service then refuses the client as it refuses a wrong secret, audited and counted.
   */
  private static ClientCredentials clientCredentials(ServerRequest req, Map<String, String> form) {
    Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
    boolean inForm = form.containsKey("client_id") || form.containsKey("client_secret");
    if (header.isPresent()) {
      String v = header.get();
      if (inForm) {
        throw new OAuthError(400, "invalid_request", "Use one way to authenticate the client.");
      }
      if (!v.regionMatches(true, 0, "Basic ", 0, 6)) {
        return NONE;
      }
      try {
        String decoded =
            new String(Base64.getDecoder().decode(v.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0
            ? NONE
            : new ClientCredentials(
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return NONE;
      }
    }
    return new ClientCredentials(form.get("client_id"), form.get("client_secret"));
  }

  private static OAuthError notClient() {
    return new OAuthError(
        401,
        "invalid_client",
        "Authenticate the client with its client id and secret (HTTP Basic or the form).");
  }

  /** The form's fields, each at most once (RFC 6749 section 3.2). */
  private static Map<String, String> form(ServerRequest req) {
    Map<String, String> out = new LinkedHashMap<>();
    for (var e : FormBody.read(req, MAX_FORM_BYTES).entrySet()) {
      if (e.getValue().size() > 1) {
        throw new OAuthError(400, "invalid_request", e.getKey() + " is given more than once.");
      }
      out.put(e.getKey(), e.getValue().get(0));
    }
    return out;
  }

  /** An answer in OAuth's error format. */
  private static final class OAuthError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String error;

    OAuthError(int status, String error, String description) {
      super(description, null, false, false);
      this.status = status;
      this.error = error;
    }
  }

  /** Runs an OAuth endpoint, answering each failure in OAuth's error format. */
  private void oauth(ServerResponse res, Runnable endpoint) {
    try {
      endpoint.run();
    } catch (OAuthError e) {
      error(res, e.status, e.error, e.getMessage());
    } catch (RateLimitedException e) {
      res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
      error(res, 429, "rate_limited", e.getMessage());
    } catch (UsermanException e) {
      ErrorCode code = e.code();
      switch (code) {
        case INVALID_CLIENT -> error(res, 401, "invalid_client", e.getMessage());
        case INVALID_SCOPE -> error(res, 400, "invalid_scope", e.getMessage());
        case MALFORMED_REQUEST, VALIDATION_FAILED ->
            error(res, 400, "invalid_request", e.getMessage());
        case UNSUPPORTED_MEDIA_TYPE -> error(res, 415, "invalid_request", e.getMessage());
        case PAYLOAD_TOO_LARGE -> error(res, 413, "invalid_request", e.getMessage());
        case UNAVAILABLE -> error(res, 503, "temporarily_unavailable", e.getMessage());
        default -> throw e;
      }
    }
  }

  private void error(ServerResponse res, int status, String error, String description) {
    if (status == 401) {
      res.header(HeaderNames.WWW_AUTHENTICATE, "Basic realm=\"userman\"");
    }
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("error_description", description);
    api.json(res, status, body);
  }
}
