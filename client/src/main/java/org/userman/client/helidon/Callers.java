package org.userman.client.helidon;

import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import org.userman.client.Caller;

/** The caller {@link UsermanAuthFilter} established for a request, kept in its context. */
public final class Callers {
  private Callers() {}

  /** The request's caller; empty when no filter authenticated it (no token, optional filter). */
  public static Optional<Caller> of(ServerRequest request) {
    return request.context().get(Caller.class);
  }

  /** Whether the request was authenticated: it carried a good token. */
  public static boolean isAuthenticated(ServerRequest request) {
    return of(request).isPresent();
  }
}
