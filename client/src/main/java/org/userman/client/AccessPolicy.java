package org.userman.client;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a request needs to pass, decided from its {@code Authorization} header the same way for
 * every web framework (the servlet and Helidon filters are thin shells around it): an optional or a
 * required bearer token, or one whose caller holds given roles.
 *
 * <p>The answers follow RFC 6750: 401 with {@code WWW-Authenticate: Bearer} when no token was sent,
 * with {@code error="invalid_token"} when the token is bad, 403 with {@code
 * error="insufficient_scope"} when the caller lacks a role, and 503 when the keys or the
 * introspection endpoint cannot be reached (the token may be fine).
 */
public final class AccessPolicy {
  /** RFC 6750's b64token: what may follow "Bearer ". */
  private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

  private enum Kind {
    OPTIONAL,
    AUTHENTICATED,
    ROLES,
    ORG_ROLES
  }

  private final BearerVerifier verifier;
  private final Kind kind;
  private final String[] roles;

  private AccessPolicy(BearerVerifier verifier, Kind kind, String... roles) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.kind = kind;
    this.roles = roles.clone();
    List.of(this.roles).forEach(r -> Objects.requireNonNull(r, "role"));
  }

  /**
   * A request without a token passes with no caller; one with a token passes only if the token is
   * good (a bad token is refused, not ignored, so that a client learns its token is bad).
   */
  public static AccessPolicy optional(BearerVerifier verifier) {
    return new AccessPolicy(verifier, Kind.OPTIONAL);
  }

  /** A request passes with a good token. */
  public static AccessPolicy authenticated(BearerVerifier verifier) {
    return new AccessPolicy(verifier, Kind.AUTHENTICATED);
  }

  /** A request passes with a good token whose caller holds every one of these roles. */
  public static AccessPolicy requireRoles(BearerVerifier verifier, String... roles) {
    return new AccessPolicy(verifier, Kind.ROLES, roles);
  }

  /**
   * A request passes with a good organization token whose caller holds every one of these roles in
   * that organization.
   */
  public static AccessPolicy requireOrgRoles(BearerVerifier verifier, String... roles) {
    return new AccessPolicy(verifier, Kind.ORG_ROLES, roles);
  }

  /**
   * The decision for a request with this {@code Authorization} header (null when absent). {@code
   * known} is a caller an earlier filter already established for the request, or null: the token is
   * then not verified twice.
   */
  public Decision decide(String authorization, Caller known) {
    Caller caller = known;
    if (caller == null) {
      if (authorization == null || !hasBearerScheme(authorization)) {
        return kind == Kind.OPTIONAL
            ? Decision.pass(null)
            : Decision.deny(401, "Bearer", "no bearer token");
      }
      String token = authorization.substring(7).strip();
      if (!B64TOKEN.matcher(token).matches()) {
        return invalid("the bearer token is malformed");
      }
      try {
        caller = verifier.verify(token);
      } catch (InvalidTokenException e) {
        if (e.reason() == InvalidTokenException.Reason.UNAVAILABLE) {
          return Decision.deny(503, null, e.getMessage());
        }
        return invalid(e.getMessage());
      }
    }
    boolean allowed =
        switch (kind) {
          case OPTIONAL, AUTHENTICATED -> true;
          case ROLES -> caller.hasRoles(roles);
          case ORG_ROLES -> caller.hasOrgRoles(roles);
        };
    return allowed
        ? Decision.pass(caller)
        : Decision.deny(403, "Bearer error=\"insufficient_scope\"", "a required role is missing");
  }

  private static Decision invalid(String why) {
    return Decision.deny(401, "Bearer error=\"invalid_token\"", why);
  }

  private static boolean hasBearerScheme(String authorization) {
    return authorization.length() > 7
        && authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ");
  }

  /**
   * A decision: pass (status 0, with the caller or, for an optional token, none), or answer with
   * this status and {@code WWW-Authenticate} header (null for none). {@code detail} says why, for a
   * log line; it is not meant for the client.
   */
  public record Decision(int status, String wwwAuthenticate, Caller caller, String detail) {
    static Decision pass(Caller caller) {
      return new Decision(0, null, caller, null);
    }

    static Decision deny(int status, String wwwAuthenticate, String detail) {
      return new Decision(status, wwwAuthenticate, null, detail);
    }

    public boolean passes() {
      return status == 0;
    }
  }
}
