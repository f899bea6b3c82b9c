package org.userman.client.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.userman.client.AccessPolicy;
import org.userman.client.BearerVerifier;

/**
 * A servlet filter that lets a request through only as its {@link AccessPolicy} says, and puts the
 * caller into the request for the servlets behind it ({@link Callers#of}). Register it
 * programmatically, where the verifier is built:
 *
 * <pre>{@code
 * ctx.addFilter("auth", UsermanAuthFilter.authenticated(verifier)).addMappingForUrlPatterns(null, false, "/api/*");
 * ctx.addFilter("admin", UsermanAuthFilter.requireRoles(verifier, "admin")).addMappingForUrlPatterns(null, false, "/api/admin/*");
 * }</pre>
 */
public final class UsermanAuthFilter implements Filter {
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
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest http)
        || !(response instanceof HttpServletResponse answer)) {
      throw new ServletException("UsermanAuthFilter handles HTTP requests only");
    }
    AccessPolicy.Decision decision =
        policy.decide(http.getHeader("Authorization"), Callers.of(http).orElse(null));
    if (!decision.passes()) {
      if (decision.wwwAuthenticate() != null) {
        answer.setHeader("WWW-Authenticate", decision.wwwAuthenticate());
      }
      answer.setHeader("Cache-Control", "no-store");
      answer.sendError(decision.status());
      return;
    }
    if (decision.caller() != null) {
      http.setAttribute(Callers.ATTRIBUTE, decision.caller());
    }
    chain.doFilter(request, response);
  }
}
