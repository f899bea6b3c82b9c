package org.userman.server.http;

import java.util.Set;
import org.userman.auth.Principal;
import org.userman.common.FieldError;
import org.userman.common.ValidationException;
import org.userman.mfa.SecondFactorProof;
import org.userman.mfa.SecondFactors;
import org.userman.password.Password;

/**
 * The caller's second factors (TOTP and recovery codes), which only a session manages, and an
 * admin's reset of a user's.
 */
public final class SecondFactorRoutes {
  private final Api api;
  private final SecondFactors factors;
  private final Views views;

  public SecondFactorRoutes(Api api, SecondFactors factors, Views views) {
    this.api = api;
    this.factors = factors;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.get(
            "/api/v1/me/second-factors",
            "getSecondFactors",
            (req, res) ->
                api.ok(
                    res, views.factorStatus(factors.status(api.call(req).sessionUser().userId()))))
        .post(
            "/api/v1/me/totp",
            "beginTotp",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.sessionUser();
              JsonBody b = c.body(Set.of("current_password"));
              Password current = b.password("current_password");
              b.done();
              api.json(
                  res, 201, views.totpEnrolment(factors.beginTotp(p.userId(), current, c.actor())));
            })
        .post(
            "/api/v1/me/totp/confirm",
            "confirmTotp",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.sessionUser();
              JsonBody b = c.body(Set.of("code"));
              String code = b.string("code");
              b.done();
              if (code == null) {
                throw new ValidationException(FieldError.required("code"));
              }
              api.ok(res, views.recoveryCodes(factors.confirmTotp(p.userId(), code, c.actor())));
            })
        .post(
            "/api/v1/me/totp/disable",
            "disableTotp",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.sessionUser();
              JsonBody b = c.body(Set.of("current_password", "code", "recovery_code"));
              Password current = b.password("current_password");
              String code = b.string("code");
              String recovery = b.string("recovery_code");
              b.done();
              factors.disableTotp(
                  p.userId(), current, SecondFactorProof.ofNullable(code, recovery), c.actor());
              api.noContent(res);
            })
        .post(
            "/api/v1/me/recovery-codes",
            "regenerateRecoveryCodes",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.recentSessionUser();
              c.body(Set.of()).done();
              api.json(
                  res,
                  201,
                  views.recoveryCodes(factors.regenerateRecoveryCodes(p.userId(), c.actor())));
            })
        .delete(
            "/api/v1/users/{id}/second-factors",
            "resetSecondFactors",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              // Taking a second factor off an account is a credential change: never through an
              // API key, and with a recent proof of who the admin is (as for their own factors).
              c.recentSessionUser();
              factors.reset(c.pathParam("id"), c.actor());
              api.noContent(res);
            });
  }
}
