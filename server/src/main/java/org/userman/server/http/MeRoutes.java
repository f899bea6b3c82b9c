package org.userman.server.http;

import java.util.Map;
import java.util.Set;
import org.userman.common.ValidationException;
import org.userman.account.Accounts;
import org.userman.account.UserPatch;
import org.userman.auth.Principal;
import org.userman.password.Password;

/** The caller's own account: profile, password, email. */
public final class MeRoutes {
  private final Accounts accounts;
  private final Views views;

  public MeRoutes(Accounts accounts, Views views) {
    this.accounts = accounts;
    this.views = views;
  }

  public void declare(RouteTable t) {
    t.get("/api/v1/me", c -> new Reply(200, views.userJson(accounts.get(c.user().userId())), Reply.JSON, Map.of()))
        .patch("/api/v1/me", this::update)
        .put("/api/v1/me/password", this::changePassword)
        .post("/api/v1/me/email", this::changeEmail);
  }

  private Reply update(Call c) {
    Principal p = c.user();
    JsonBody b = c.body(Set.of("name", "username", "attributes"));
    UserPatch patch =
        new UserPatch(null, null, b.string("username"), b.isNull("username"), b.string("name"), null, null, b.object("attributes"), null);
    b.done();
    return Reply.ok(views.user(accounts.updateProfile(p.userId(), patch, c.actor())));
  }

  private Reply changePassword(Call c) {
    Principal p = c.sessionUser();
    JsonBody b = c.body(Set.of("current_password", "new_password"));
    Password current = b.password("current_password");
    Password next = b.password("new_password");
    b.done();
    ValidationException.requireBoth(current, "current_password", next, "new_password");
    accounts.changePassword(p.userId(), p.sessionId(), current, next, c.actor());
    return Reply.noContent();
  }

  private Reply changeEmail(Call c) {
    Principal p = c.sessionUser();
    JsonBody b = c.body(Set.of("email", "current_password"));
    String email = b.string("email");
    Password current = b.password("current_password");
    b.done();
    ValidationException.requireBoth(email, "email", current, "current_password");
    accounts.requestEmailChange(p.userId(), email, current, c.actor());
    return Reply.accepted();
  }
}
