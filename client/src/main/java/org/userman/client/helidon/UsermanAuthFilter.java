package org.userman.client.helidon;

import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.userman.client.AccessPolicy;
import org.userman.client.BearerVerifier;

/**
 * Helidon SE 4's counterpart of the servlet filter: lets a request through only as its {@link
 * AccessPolicy} says, and registers the caller in the request's context ({@link Callers#of}). It is
 * both a {@link Filter}, for every route of a routing, and a {@link Handler}, for some paths:
 *
 * <pre>{@code
 * HttpRouting.builder()
 *     .addFilter(UsermanAuthFilter.optional(verifier))
 *     .any("/admin/*", UsermanAuthFilter.requireRoles(verifier, "admin"))
 *     .get("/admin/stats", (req, res) -> res.send(Callers.of(req).orElseThrow().subject()));
 * }</pre>
 */
public final class UsermanAuthFilter implements Filter, Handler {
  private final AccessPolicy policy;

  public UsermanAuthFilter(AccessPolicy policy) {
    this.policy = policy;
  }

  /** Sets the caller when the request carries a good token; lets requests without one through. */
  public static UsermanAuthFilter optional(BearerVerifier verifier) {
    return new UsermanAuthFilter(AccessPolicy.optional(verifier));
  }

  /** Requires a good token (401 otherwise). */
  public static UsermanAuthFilter authenticated(BearerVerifier verifier) {
    return new UsermanAuthFilter(AccessPolicy.authenticated(verifier));
  }

  /** Requires a good token (401) whose caller holds all these roles (403). */
  public static UsermanAuthFilter requireRoles(BearerVerifier verifier, String... roles) {
    return new UsermanAuthFilter(AccessPolicy.requireRoles(verifier, roles));
  }

  /** Requires a good organization token (401) with all these roles in the organization (403). */
  public static UsermanAuthFilter requireOrgRoles(BearerVerifier verifier, String... roles) {
    return new UsermanAuthFilter(AccessPolicy.requireOrgRoles(verifier, roles));
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    if (admit(req, res)) {
      chain.proceed();
    }
  }

  @Override
  public void handle(ServerRequest req, ServerResponse res) {
    if (admit(req, res)) {
      res.next();
    }
  }

  /** Whether the request may go on; when not, the answer has been sent. */
  private boolean admit(ServerRequest req, ServerResponse res) {
    AccessPolicy.Decision decision =
        policy.decide(
            req.headers().first(io.helidon.http.HeaderNames.AUTHORIZATION).orElse(null),
            Callers.of(req).orElse(null));
    if (!decision.passes()) {
      if (decision.wwwAuthenticate() != null) {
        res.header("WWW-Authenticate", decision.wwwAuthenticate());
      }
      res.header("Cache-Control", "no-store");
      res.status(Status.create(decision.status())).send();
      return false;
    }
    if (decision.caller() != null) {
      req.context().register(decision.caller());
    }
    return true;
  }
}
