package org.userman.server.http;

import java.util.Set;
import org.userman.common.FieldError;
import org.userman.common.ValidationException;
import org.userman.auth.Principal;
import org.userman.password.Password;
import org.userman.session.Sessions;

/** Sign-in, refresh, and the caller's sessions. */
public final class SessionRoutes {
  private final Sessions sessions;
  private final Views views;

  public SessionRoutes(Sessions sessions, Views views) {
    this.sessions = sessions;
    this.views = views;
  }

  public void declare(RouteTable t) {
    t.post("/api/v1/sessions", this::login)
        .post("/api/v1/sessions/refresh", this::refresh)
        .get("/api/v1/sessions", c -> {
          Principal p = c.sessionUser();
          return Reply.ok(views.items(sessions.list(p.userId()), s -> views.session(s, p.sessionId())));
        })
        .delete("/api/v1/sessions", c -> {
          sessions.revokeAll(c.sessionUser().userId(), c.actor());
          return Reply.noContent();
        })
        .delete("/api/v1/sessions/current", c -> {
          Principal p = c.sessionUser();
          sessions.revoke(p.userId(), p.sessionId(), c.actor());
          return Reply.noContent();
        })
        .delete("/api/v1/sessions/{id}", c -> {
          Principal p = c.sessionUser();
          sessions.revoke(p.userId(), c.pathParam("id"), c.actor());
          return Reply.noContent();
        });
  }

  private Reply login(Call c) {
    JsonBody b = c.body(Set.of("email", "username", "password", "device"));
    String email = b.string("email");
    String username = b.string("username");
    Password password = b.password("password");
    String device = b.string("device");
    b.done();
    return Reply.json(201, views.login(sessions.login(email, username, password, device, c.client())));
  }

  private Reply refresh(Call c) {
    JsonBody b = c.body(Set.of("refresh_token"));
    String token = b.string("refresh_token");
    b.done();
    if (token == null) {
      throw new ValidationException(FieldError.required("refresh_token"));
    }
    return Reply.ok(views.login(sessions.refresh(token, c.client())));
  }
}
