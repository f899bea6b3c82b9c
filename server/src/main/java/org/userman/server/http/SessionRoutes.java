package org.userman.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.userman.auth.Principal;
import org.userman.common.FieldError;
import org.userman.common.ValidationException;
import org.userman.mfa.SecondFactorProof;
import org.userman.password.Password;
import org.userman.session.LoginResult;
import org.userman.session.SecondFactorChallenge;
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
              JsonBody b =
                  c.body(Set.of("email", "username", "password", "device", "organization"));
              String email = b.string("email");
              String username = b.string("username");
              Password password = b.password("password");
              String device = b.string("device");
              String organization = b.string("organization");
              b.done();
              switch (sessions.signIn(
                  email, username, password, device, organization, c.client())) {
                case LoginResult done -> api.json(res, 201, views.login(done));
                // 202: accepted, not yet done; 201 stays the one answer with tokens, which is also
                // what clients generated from the OpenAPI document take as the result
                case SecondFactorChallenge ch -> api.json(res, 202, views.challenge(ch));
              }
            })
        .post(
            "/api/v1/sessions/mfa",
            "completeSignIn",
            (req, res) -> {
              Call c = api.call(req);
              JsonBody b = c.body(Set.of("challenge", "code", "recovery_code", "passkey"));
              String challenge = b.string("challenge");
              String code = b.string("code");
              String recovery = b.string("recovery_code");
              ObjectNode passkey = b.object("passkey");
              b.done();
              ValidationException.requireBoth(
                  challenge,
                  "challenge",
                  code != null ? code : recovery != null ? recovery : passkey,
                  "code");
              api.json(
                  res,
                  201,
                  views.login(
                      sessions.completeSignIn(
                          challenge,
                          new SecondFactorProof(
                              code, recovery, passkey == null ? null : passkey.toString()),
                          c.client())));
            })
        .post(
            "/api/v1/sessions/current/reauthenticate",
            "reauthenticate",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.sessionUser();
              JsonBody b = c.body(Set.of("password", "code", "recovery_code", "passkey"));
              Password password = b.password("password");
              String code = b.string("code");
              String recovery = b.string("recovery_code");
              ObjectNode passkey = b.object("passkey");
              b.done();
              sessions.reauthenticate(
                  p.userId(),
                  p.sessionId(),
                  password,
                  SecondFactorProof.ofNullable(
                      code, recovery, passkey == null ? null : passkey.toString()),
                  c.client());
              api.noContent(res);
            })
        .post(
            "/api/v1/sessions/refresh",
            "refreshSession",
            (req, res) -> {
              Call c = api.call(req);
              JsonBody b = c.body(Set.of("refresh_token", "organization"));
              String token = b.string("refresh_token");
              String organization = b.string("organization");
              b.done();
              if (token == null) {
                throw new ValidationException(FieldError.required("refresh_token"));
              }
              api.ok(res, views.login(sessions.refresh(token, organization, c.client())));
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
