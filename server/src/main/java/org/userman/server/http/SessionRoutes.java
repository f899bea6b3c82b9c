package org.userman.server.http;

import java.util.Set;
import org.userman.auth.Principal;
import org.userman.common.FieldError;
import org.userman.common.ValidationException;
import org.userman.password.Password;
import org.userman.session.Sessions;

/**
 * Sign-in, refresh, and the caller's sessions (which only a session, never an API key, manages).
 */
public final class SessionRoutes {
  private final Api api;
  private final Sessions sessions;
  private final Views views;

  public SessionRoutes(Api api, Sessions sessions, Views views) {
    this.api = api;
    this.sessions = sessions;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.post(
            "/api/v1/sessions",
            "signIn",
            (req, res) -> {
              Call c = api.call(req);
              JsonBody b = c.body(Set.of("email", "username", "password", "device"));
              String email = b.string("email");
              String username = b.string("username");
              Password password = b.password("password");
              String device = b.string("device");
              b.done();
              api.json(
                  res,
                  201,
                  views.login(sessions.login(email, username, password, device, c.client())));
            })
        .post(
            "/api/v1/sessions/refresh",
            "refreshSession",
            (req, res) -> {
              Call c = api.call(req);
              JsonBody b = c.body(Set.of("refresh_token"));
              String token = b.string("refresh_token");
              b.done();
              if (token == null) {
                throw new ValidationException(FieldError.required("refresh_token"));
              }
              api.ok(res, views.login(sessions.refresh(token, c.client())));
            })
        .get(
            "/api/v1/sessions",
            "listSessions",
            (req, res) -> {
              Principal p = api.call(req).sessionUser();
              api.ok(
                  res,
                  views.items(sessions.list(p.userId()), s -> views.session(s, p.sessionId())));
            })
        .delete(
            "/api/v1/sessions",
            "signOutEverywhere",
            (req, res) -> {
              Call c = api.call(req);
              sessions.revokeAll(c.sessionUser().userId(), c.actor());
              api.noContent(res);
            })
        .delete(
            "/api/v1/sessions/current",
            "signOut",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.sessionUser();
              sessions.revoke(p.userId(), p.sessionId(), c.actor());
              api.noContent(res);
            })
        .delete(
            "/api/v1/sessions/{id}",
            "endSession",
            (req, res) -> {
              Call c = api.call(req);
              sessions.revoke(c.sessionUser().userId(), c.pathParam("id"), c.actor());
              api.noContent(res);
            });
  }
}
