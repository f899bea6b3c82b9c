package org.userman.server.web;

import java.util.HashMap;
import java.util.Map;
import org.userman.auth.Principal;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.mfa.RecoveryCodes;
import org.userman.mfa.SecondFactorProof;
import org.userman.mfa.SecondFactors;
import org.userman.mfa.TotpEnrolment;
import org.userman.password.Password;
import org.userman.session.Sessions;

/**
 * Two-step sign-in from the account page: set up an authenticator app (its secret shown as a QR
 * code drawn on the server, and as text), confirm it with a first code, see the recovery codes
 * once, make new ones, turn it off, and prove again who you are before a sensitive change.
 */
public final class SecondFactorPages {
  private static final int QR_PIXELS = 240;
  private final WebPages web;
  private final AccountPages account;
  private final SecondFactors factors;
  private final Sessions sessions;

  public SecondFactorPages(
      WebPages web, AccountPages account, SecondFactors factors, Sessions sessions) {
    this.web = web;
    this.account = account;
    this.factors = factors;
    this.sessions = sessions;
  }

  public void declare() {
    web.get("/account/totp", this::setupPage)
        .post("/account/totp", this::begin)
        .post("/account/totp/confirm", this::confirm)
        .post("/account/totp/disable", this::disable)
        .post("/account/recovery-codes", this::regenerate)
        .post("/account/reauthenticate", this::reauthenticate);
  }

  private WebReply setupPage(WebCall c) {
    return factors
        .pendingTotp(c.user().userId())
        .map(e -> setup(e, Map.of(), null))
        .orElseGet(() -> WebReply.redirect("/account"));
  }

  private static WebReply setup(TotpEnrolment e, Map<String, String> errors, String alert) {
    Map<String, Object> model = new HashMap<>();
    model.put("qr", QrSvg.of(e.uri(), QR_PIXELS));
    model.put("secret", e.secret());
    model.put("values", Map.of("code", ""));
    model.put("errors", errors);
    if (alert != null) {
      model.put("alert", alert);
    }
    return WebReply.page(errors.isEmpty() ? 200 : 400, "totp-setup", model);
  }

  private WebReply begin(WebCall c) {
    Principal p = c.user();
    Password current = c.password("totp_current_password");
    try {
      factors.beginTotp(p.userId(), current, c.actor());
    } catch (UsermanException e) {
      return account.failed(p, e, Map.of("current_password", "totp_current_password"), Map.of());
    }
    return WebReply.redirect("/account/totp");
  }

  private WebReply confirm(WebCall c) {
    Principal p = c.user();
    String code = c.optional("code");
    try {
      if (code == null) {
        throw new ValidationException(FieldError.required("code"));
      }
      return codesPage(factors.confirmTotp(p.userId(), code, c.actor()), true);
    } catch (UsermanException e) {
      if (e.code() != ErrorCode.WRONG_CODE && e.code() != ErrorCode.VALIDATION_FAILED) {
        throw e;
      }
      return factors
          .pendingTotp(p.userId())
          .map(
              pending ->
                  setup(
                      pending,
                      Map.of("code", "Enter the 6-digit code your app shows now."),
                      "Please correct the marked fields."))
          .orElseGet(() -> WebReply.redirect("/account"));
    }
  }

  private static WebReply codesPage(RecoveryCodes codes, boolean justEnabled) {
    return WebReply.page(
        "recovery-codes", Map.of("codes", codes.codes(), "justEnabled", justEnabled));
  }

  private WebReply disable(WebCall c) {
    Principal p = c.user();
    Password current = c.password("disable_current_password");
    String code = c.optional("disable_code");
    try {
      factors.disableTotp(p.userId(), current, proofOf(code), c.actor());
    } catch (UsermanException e) {
      return account.failed(
          p,
          e,
          Map.of(
              "current_password", "disable_current_password",
              "code", "disable_code",
              "recovery_code", "disable_code"),
          Map.of());
    }
    return WebReply.redirect("/account?notice=totp_off");
  }

  private WebReply regenerate(WebCall c) {
    Principal p = c.user();
    try {
      sessions.requireRecentAuthentication(p.userId(), p.sessionId());
      return codesPage(factors.regenerateRecoveryCodes(p.userId(), c.actor()), false);
    } catch (UsermanException e) {
      return account.failed(p, e, Map.of(), Map.of());
    }
  }

  private WebReply reauthenticate(WebCall c) {
    Principal p = c.user();
    try {
      // The form asks for the password when the account has no second factor and for a code when
      // it has one; the session service takes the one the account needs and names it when missing.
      sessions.reauthenticate(
          p.userId(),
          p.sessionId(),
          c.password("reauth_password"),
          proofOf(c.optional("reauth_code")),
          c.client());
    } catch (UsermanException e) {
      return account.failed(
          p,
          e,
          Map.of(
              "code", "reauth_code",
              "recovery_code", "reauth_code",
              "password", "reauth_password",
              "current_password", "reauth_password"),
          Map.of());
    }
    return WebReply.redirect("/account?notice=reauthenticated");
  }

  /**
   * What one code box holds, or null when empty: six digits are an app's code, anything else a
   * recovery code.
   */
  private static SecondFactorProof proofOf(String box) {
    if (box == null) {
      return null;
    }
    String digits = box.replace(" ", "");
    return digits.matches("[0-9]{6}")
        ? SecondFactorProof.totp(digits)
        : SecondFactorProof.recovery(box);
  }
}
