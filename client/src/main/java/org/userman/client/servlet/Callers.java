package org.userman.client.servlet;

import jakarta.servlet.ServletRequest;
import java.util.Optional;
import org.userman.client.Caller;

/** The caller {@link UsermanAuthFilter} established for a request. */
public final class Callers {
  /** The request attribute that holds the {@link Caller}. */
  public static final String ATTRIBUTE = Caller.class.getName();

  private Callers() {}

  /** The request's caller; empty when no filter authenticated it (no token, optional filter). */
  public static Optional<Caller> of(ServletRequest request) {
    return request.getAttribute(ATTRIBUTE) instanceof Caller c ? Optional.of(c) : Optional.empty();
  }

  /** Whether the request was authenticated: it carried a good token. */
  public static boolean isAuthenticated(ServletRequest request) {
    return of(request).isPresent();
  }
}
