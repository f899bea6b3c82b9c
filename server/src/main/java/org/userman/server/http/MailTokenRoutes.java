package org.userman.server.http;

import java.util.Set;
import org.userman.account.EmailVerifications;
import org.userman.account.PasswordResets;
import org.userman.common.FieldError;
import org.userman.common.ValidationException;
import org.userman.password.Password;

/** The anonymous flows driven by mailed tokens: email verification and password reset. */
public final class MailTokenRoutes {
  private final Api api;
  private final EmailVerifications verifications;
  private final PasswordResets resets;
  private final Views views;

  public MailTokenRoutes(
      Api api, EmailVerifications verifications, PasswordResets resets, Views views) {
    this.api = api;
    this.verifications = verifications;
    this.resets = resets;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.post(
            "/api/v1/email-verifications",
            "requestEmailVerification",
            (req, res) -> {
              Call c = api.call(req);
              verifications.request(email(c), c.actor());
              api.accepted(res);
            })
        .post(
            "/api/v1/email-verifications/confirm",
            "confirmEmailVerification",
            (req, res) -> {
              Call c = api.call(req);
              JsonBody b = c.body(Set.of("token"));
              String token = b.string("token");
              b.done();
              api.ok(res, views.user(verifications.confirm(require(token, "token"), c.actor())));
            })
        .post(
            "/api/v1/password-resets",
            "requestPasswordReset",
            (req, res) -> {
              Call c = api.call(req);
              resets.request(email(c), c.actor());
              api.accepted(res);
            })
        .post(
            "/api/v1/password-resets/confirm",
            "confirmPasswordReset",
            (req, res) -> {
              Call c = api.call(req);
              JsonBody b = c.body(Set.of("token", "password"));
              String token = b.string("token");
              Password password = b.password("password");
              b.done();
              resets.confirm(require(token, "token"), require(password, "password"), c.actor());
              api.noContent(res);
            });
  }

  private static String email(Call c) {
    JsonBody b = c.body(Set.of("email"));
    String email = b.string("email");
    b.done();
    return require(email, "email");
  }

  private static <T> T require(T value, String field) {
    if (value == null) {
      throw new ValidationException(FieldError.required(field));
    }
    return value;
  }
}
