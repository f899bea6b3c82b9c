package org.userman.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import org.userman.auth.Principal;
import org.userman.common.FieldError;
import org.userman.common.ValidationException;
import org.userman.mfa.Passkeys;
import org.userman.session.Sessions;

/**
 * Passkeys: the caller's own (registered, renamed and removed from a session, never an API key; a
 * new or removed one needs a recent proof, as other factor changes), and signing in with one alone.
 * WebAuthn's options and credentials travel in WebAuthn's own JSON form, under {@code public_key}
 * and {@code credential}.
 */
public final class PasskeyRoutes {
  private final Api api;
  private final Passkeys passkeys;
  private final Sessions sessions;
  private final Views views;

  public PasskeyRoutes(Api api, Passkeys passkeys, Sessions sessions, Views views) {
    this.api = api;
    this.passkeys = passkeys;
    this.sessions = sessions;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.get(
            "/api/v1/me/passkeys",
            "listPasskeys",
            (req, res) ->
                api.ok(
                    res,
                    views.items(
                        passkeys.list(api.call(req).sessionUser().userId()), views::passkey)))
        .post(
            "/api/v1/me/passkeys/options",
            "beginPasskeyRegistration",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.recentSessionUser();
              c.body(Set.of()).done();
              api.ok(res, views.passkeyCreation(passkeys.beginRegistration(p.userId(), c.actor())));
            })
        .post(
            "/api/v1/me/passkeys",
            "registerPasskey",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.recentSessionUser();
              JsonBody b = c.body(Set.of("name", "credential"));
              String name = b.string("name");
              ObjectNode credential = b.object("credential");
              b.done();
              ValidationException.requireBoth(name, "name", credential, "credential");
              api.json(
                  res,
                  201,
                  views.passkey(
                      passkeys.register(p.userId(), name, credential.toString(), c.actor())));
            })
        .patch(
            "/api/v1/me/passkeys/{id}",
            "renamePasskey",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.sessionUser();
              JsonBody b = c.body(Set.of("name"));
              String name = b.string("name");
              b.done();
              if (name == null) {
                throw new ValidationException(FieldError.required("name"));
              }
              api.ok(
                  res,
                  views.passkey(passkeys.rename(p.userId(), c.pathParam("id"), name, c.actor())));
            })
        .delete(
            "/api/v1/me/passkeys/{id}",
            "deletePasskey",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.recentSessionUser();
              passkeys.delete(p.userId(), c.pathParam("id"), c.actor());
              api.noContent(res);
            })
        .post(
            "/api/v1/sessions/passkey/options",
            "beginPasskeySignIn",
            (req, res) -> {
              Call c = api.call(req);
              c.body(Set.of()).done();
              api.ok(res, views.passkeyRequest(passkeys.beginSignIn(c.client())));
            })
        .post(
            "/api/v1/sessions/passkey",
            "signInWithPasskey",
            (req, res) -> {
              Call c = api.call(req);
              JsonBody b = c.body(Set.of("credential", "device"));
              ObjectNode credential = b.object("credential");
              String device = b.string("device");
              b.done();
              if (credential == null) {
                throw new ValidationException(FieldError.required("credential"));
              }
              api.json(
                  res,
                  201,
                  views.login(
                      sessions.signInWithPasskey(credential.toString(), device, c.client())));
            });
  }
}
