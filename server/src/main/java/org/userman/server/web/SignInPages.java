package org.userman.server.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.userman.account.Accounts;
import org.userman.account.EmailVerifications;
import org.userman.account.NewUser;
import org.userman.account.PasswordResets;
import org.userman.account.RegistrationPolicy;
import org.userman.account.User;
import org.userman.account.UserStatus;
import org.userman.auth.Principal;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.mfa.SecondFactorProof;
import org.userman.password.Password;
import org.userman.session.SecondFactorChallenge;
import org.userman.session.Sessions;

/**
 * The pages of someone not signed in, and the way in and out: sign in, register, verify the email
 * and reset the password from the mailed links, sign out. Links from mails only show a form: the
 * token is spent by the person's click, not by a mail scanner fetching the link.
 */
public final class SignInPages {
  private static final Map<String, String> LOGIN_FIELDS =
      Map.of("email", "login", "username", "login");
  private final WebPages web;
  private final Accounts accounts;
  private final Sessions sessions;
  private final EmailVerifications verifications;
  private final PasswordResets resets;
  private final RegistrationPolicy registration;

  public SignInPages(
      WebPages web,
      Accounts accounts,
      Sessions sessions,
      EmailVerifications verifications,
      PasswordResets resets,
      RegistrationPolicy registration) {
    this.web = web;
    this.accounts = accounts;
    this.sessions = sessions;
    this.verifications = verifications;
    this.resets = resets;
    this.registration = registration;
  }

  public void declare() {
    web.get("/", c -> WebReply.redirect(c.principal().isPresent() ? "/account" : "/login"))
        .get("/login", this::loginForm)
        .post("/login", this::login)
        .post("/login/second-factor", this::secondFactor)
        .get(
            "/logout",
            c ->
                c.principal().isPresent()
                    ? WebReply.page("logout", Map.of())
                    : WebReply.redirect("/login"))
        .post("/logout", this::logout)
        .get(
            "/register",
            c ->
                WebReply.page(
                    "register", Map.of("closed", registration == RegistrationPolicy.CLOSED)))
        .post("/register", this::register)
        .get(
            "/verify-email",
            c -> WebReply.page("verify-email", Map.of("token", c.query("token").orElse(""))))
        .post("/verify-email", this::verify)
        .post(
            "/verify-email/resend",
            c -> {
              verifications.request(requiredEmail(c), c.actor());
              return sent(
                  "Check your email",
                  "If an account with this address waits for verification, we sent it a new link.");
            })
        .get("/forgot-password", c -> WebReply.page("forgot-password", Map.of()))
        .post("/forgot-password", this::forgot)
        .get(
            "/reset-password",
            c -> WebReply.page("reset-password", Map.of("token", c.query("token").orElse(""))))
        .post("/reset-password", this::reset);
  }

  private WebReply loginForm(WebCall c) {
    String next = web.returnPath(c.query("next").orElse(null));
    if (c.principal().isPresent()) {
      return WebReply.redirect(next);
    }
    Map<String, Object> model = new HashMap<>();
    model.put("next", next);
    WebPages.notice(c).ifPresent(n -> model.put("notice", n));
    return WebReply.page("login", model);
  }

  private WebReply login(WebCall c) {
    String login = c.optional("login");
    Password password = c.password("password");
    String next = web.returnPath(c.field("next"));
    Map<String, Object> model =
        Map.of("next", next, "values", Map.of("login", login == null ? "" : login));
    try {
      boolean email = login != null && login.contains("@");
      return switch (sessions.loginWithCookie(
          email ? login : null, email ? null : login, password, c.client())) {
        case Sessions.CookieLogin in ->
            WebReply.redirect(next).withCookie(web.signInCookie(in.cookie()));
        case SecondFactorChallenge ch -> secondFactorForm(ch.challenge(), next, ch.factors());
      };
    } catch (UsermanException e) {
      if (e.code() == ErrorCode.ACCOUNT_NOT_ACTIVE) {
        e =
            new UsermanException(
                e.code(),
                e.getMessage()
                    + " A new account opens when its email address is verified, or when an admin approves it.");
      }
      return WebPages.invalid("login", model, e, LOGIN_FIELDS);
    }
  }

  private static WebReply secondFactorForm(String challenge, String next, List<String> factors) {
    Map<String, Object> model = new HashMap<>();
    model.put("challenge", challenge);
    model.put("next", next);
    model.put("recovery", factors.contains("recovery_code"));
    model.put("passkey", factors.contains("passkey"));
    model.put("values", Map.of("code", ""));
    return WebReply.page("login-second-factor", model);
  }

  /**
   * The second form of a sign-in: a code from the app, a recovery code, or a passkey (the pages'
   * script fills {@code credential}). A wrong one shows the form again while the challenge lives;
   * an ended challenge sends the person back to sign in.
   */
  private WebReply secondFactor(WebCall c) {
    String challenge = c.optional("challenge");
    String code = c.optional("code");
    String recovery = c.optional("recovery_code");
    String credential = c.optional("credential");
    String next = web.returnPath(c.field("next"));
    try {
      SecondFactorProof proof =
          code != null
              ? SecondFactorProof.totp(code)
              : recovery != null
                  ? SecondFactorProof.recovery(recovery)
                  : credential != null ? SecondFactorProof.passkey(credential) : null;
      if (proof == null) {
        throw new ValidationException(FieldError.required("code"));
      }
      Sessions.CookieLogin in =
          sessions.completeCookieSignIn(challenge == null ? "" : challenge, proof, c.client());
      return WebReply.redirect(next).withCookie(web.signInCookie(in.cookie()));
    } catch (UsermanException e) {
      if (e.code() == ErrorCode.INVALID_CHALLENGE) {
        return WebPages.invalid(
            "login", Map.of("next", next, "values", Map.of("login", "")), e, LOGIN_FIELDS);
      }
      Map<String, Object> model = new HashMap<>();
      model.put("challenge", challenge == null ? "" : challenge);
      model.put("next", next);
      model.put("recovery", true);
      model.put("passkey", credential != null);
      model.put("values", Map.of("code", ""));
      return WebPages.invalid(
          "login-second-factor", model, e, Map.of("recovery_code", "code", "passkey", "code"));
    }
  }

  private WebReply logout(WebCall c) {
    Principal p = c.principal().orElse(null);
    if (p != null) {
      try {
        sessions.revoke(p.userId(), p.sessionId(), c.actor());
      } catch (UsermanException e) {
        if (e.code() != ErrorCode.NOT_FOUND) {
          throw e;
        }
      }
    }
    return WebReply.redirect("/login?notice=signed_out").withCookie(web.signOutCookie());
  }

  private WebReply register(WebCall c) {
    String email = c.optional("email");
    String username = c.optional("username");
    String name = c.optional("name");
    Password password = c.password("password");
    Map<String, Object> model =
        Map.of(
            "closed",
            false,
            "values",
            Map.of(
                "email",
                email == null ? "" : email,
                "username",
                username == null ? "" : username,
                "name",
                name == null ? "" : name));
    User user;
    try {
      user =
          accounts.create(
              new NewUser(email, password, name, username, null, null, null, null),
              false,
              c.actor());
    } catch (UsermanException e) {
      return WebPages.invalid("register", model, e, Map.of());
    }
    if (user.status() == UserStatus.ACTIVE) {
      // A new account has no second factor yet: the password is the whole sign-in.
      if (sessions.loginWithCookie(user.email(), null, password, c.client())
          instanceof Sessions.CookieLogin in) {
        return WebReply.redirect("/account?notice=welcome")
            .withCookie(web.signInCookie(in.cookie()));
      }
      return WebReply.redirect("/login");
    }
    return sent(
        "Check your email",
        registration == RegistrationPolicy.APPROVE
            ? "We sent a link to "
                + user.email()
                + " to verify your address. An admin approves new accounts; you can sign in once they have."
            : "We sent a link to "
                + user.email()
                + ". Open it to verify your address, then sign in.");
  }

  private WebReply verify(WebCall c) {
    String token = c.optional("token");
    try {
      if (token == null) {
        throw new UsermanException(ErrorCode.INVALID_TOKEN, "The link is incomplete.");
      }
      User user = verifications.confirm(token, c.actor());
      if (user.status() == UserStatus.ACTIVE) {
        return WebReply.redirect("/login?notice=verified");
      }
      return sent(
          "Email verified",
          "Thank you: your address is verified. An admin approves new accounts; you can sign in once they have.");
    } catch (UsermanException e) {
      return WebPages.invalid("verify-email", Map.of("token", "", "expired", true), e, Map.of());
    }
  }

  private WebReply forgot(WebCall c) {
    String email = c.optional("email");
    try {
      resets.request(requiredEmail(c), c.actor());
    } catch (UsermanException e) {
      return WebPages.invalid(
          "forgot-password",
          Map.of("values", Map.of("email", email == null ? "" : email)),
          e,
          Map.of());
    }
    return sent(
        "Check your email",
        "If an account with this address exists, we sent it a link to choose a new password.");
  }

  private WebReply reset(WebCall c) {
    String token = c.optional("token");
    Password password = c.password("password");
    try {
      if (token == null) {
        throw new UsermanException(ErrorCode.INVALID_TOKEN, "The link is incomplete.");
      }
      if (password == null) {
        throw new ValidationException(FieldError.required("password"));
      }
      resets.confirm(token, password, c.actor());
    } catch (UsermanException e) {
      boolean tokenBad = token == null || e.code() == ErrorCode.INVALID_TOKEN;
      return WebPages.invalid(
          "reset-password", Map.of("token", tokenBad ? "" : token), e, Map.of());
    }
    return WebReply.redirect("/login?notice=password_reset").withCookie(web.signOutCookie());
  }

  private static String requiredEmail(WebCall c) {
    String email = c.optional("email");
    if (email == null) {
      throw new ValidationException(FieldError.required("email"));
    }
    return email;
  }

  private static WebReply sent(String title, String text) {
    return WebReply.page("message", Map.of("title", title, "text", text, "info", true));
  }
}
