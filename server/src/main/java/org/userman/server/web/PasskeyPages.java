package org.userman.server.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.userman.auth.Principal;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.mfa.Passkeys;
import org.userman.server.http.Problems;
import org.userman.server.http.Views;
import org.userman.session.Sessions;

/**
 * Passkeys on the pages: add one from the account page (a name, then the browser makes the key),
 * remove one, and sign in with one and no password. The pages' script ({@code /assets/passkeys.js})
 * fetches WebAuthn's options as JSON from here, asks the browser, and posts the browser's answer
 * back in an ordinary form, CSRF token and all.
 */
public final class PasskeyPages {
  private static final Map<String, String> FIELDS =
      Map.of("name", "passkey_name", "credential", "passkey_name");
  private final WebPages web;
  private final AccountPages account;
  private final Passkeys passkeys;
  private final Sessions sessions;
  private final Views views;
  private final ObjectMapper json;

  public PasskeyPages(
      WebPages web,
      AccountPages account,
      Passkeys passkeys,
      Sessions sessions,
      Views views,
      ObjectMapper json) {
    this.web = web;
    this.account = account;
    this.passkeys = passkeys;
    this.sessions = sessions;
    this.views = views;
    this.json = json;
  }

  public void declare() {
    web.post("/account/passkeys/options", this::creationOptions)
        .post("/account/passkeys", this::register)
        .post("/account/passkeys/{id}/delete", this::delete)
        .post("/login/passkey/options", this::requestOptions)
        .post("/login/passkey", this::signIn);
  }

  private WebReply creationOptions(WebCall c) {
    Principal p = c.user();
    try {
      sessions.requireRecentAuthentication(p.userId(), p.sessionId());
      return WebReply.json(
          200, views.passkeyCreation(passkeys.beginRegistration(p.userId(), c.actor())).toString());
    } catch (UsermanException e) {
      return problem(e);
    }
  }

  private WebReply register(WebCall c) {
    Principal p = c.user();
    String name = c.optional("passkey_name");
    String credential = c.optional("credential");
    try {
      if (name == null) {
        throw new ValidationException(FieldError.required("name"));
      }
      if (credential == null) {
        // the script fills it in; without the script (or a browser without passkeys) it is empty
        throw new ValidationException(
            FieldError.invalidFormat(
                "credential", "this browser made no passkey; try again, or use another browser"));
      }
      sessions.requireRecentAuthentication(p.userId(), p.sessionId());
      passkeys.register(p.userId(), name, credential, c.actor());
    } catch (UsermanException e) {
      return account.failed(p, e, FIELDS, Map.of("passkey_name", name == null ? "" : name));
    }
    return WebReply.redirect("/account?notice=passkey_added");
  }

  private WebReply delete(WebCall c) {
    Principal p = c.user();
    try {
      sessions.requireRecentAuthentication(p.userId(), p.sessionId());
      passkeys.delete(p.userId(), c.pathParam("id"), c.actor());
    } catch (UsermanException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        return WebReply.redirect("/account");
      }
      return account.failed(p, e, Map.of(), Map.of());
    }
    return WebReply.redirect("/account?notice=passkey_removed");
  }

  private WebReply requestOptions(WebCall c) {
    try {
      return WebReply.json(200, views.passkeyRequest(passkeys.beginSignIn(c.client())).toString());
    } catch (UsermanException e) {
      return problem(e);
    }
  }

  private WebReply signIn(WebCall c) {
    String next = web.returnPath(c.field("next"));
    String credential = c.optional("credential");
    try {
      if (credential == null) {
        throw new UsermanException(
            ErrorCode.INVALID_CREDENTIALS, "This browser gave no passkey; try again.");
      }
      Sessions.CookieLogin in = sessions.loginWithPasskeyCookie(credential, c.client());
      return WebReply.redirect(next).withCookie(web.signInCookie(in.cookie()));
    } catch (UsermanException e) {
      Map<String, Object> model = new HashMap<>();
      model.put("next", next);
      String message =
          e.code() == ErrorCode.INVALID_CREDENTIALS
              ? "That passkey did not sign you in. Try again, or sign in with your password."
              : e.getMessage();
      return WebPages.invalid("login", model, new UsermanException(e.code(), message), Map.of());
    }
  }

  /** A failure the script shows as it is: {@code {"message": ...}} with the API's status. */
  private WebReply problem(UsermanException e) {
    return WebReply.json(
        Problems.status(e.code()),
        json.createObjectNode().put("message", e.getMessage()).toString());
  }
}
