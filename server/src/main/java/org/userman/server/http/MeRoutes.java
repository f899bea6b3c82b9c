package org.userman.server.http;

import java.util.Set;
import org.userman.account.Accounts;
import org.userman.account.EmailHistoryEntry;
import org.userman.account.UserPatch;
import org.userman.auth.Principal;
import org.userman.common.Page;
import org.userman.common.ValidationException;
import org.userman.password.Password;

/** The caller's own account: profile, password, email and the addresses held before. */
public final class MeRoutes {
  private final Api api;
  private final Accounts accounts;
  private final Views views;

  public MeRoutes(Api api, Accounts accounts, Views views) {
    this.api = api;
    this.accounts = accounts;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.get(
            "/api/v1/me",
            "getMe",
            (req, res) -> api.ok(res, views.userJson(accounts.get(api.call(req).user().userId()))))
        .patch(
            "/api/v1/me",
            "updateMe",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.user();
              JsonBody b = c.body(Set.of("name", "username", "attributes"));
              UserPatch patch =
                  new UserPatch(
                      null,
                      null,
                      b.string("username"),
                      b.isNull("username"),
                      b.string("name"),
                      null,
                      null,
                      b.object("attributes"),
                      null);
              b.done();
              api.ok(res, views.user(accounts.updateProfile(p.userId(), patch, c.actor())));
            })
        .put(
            "/api/v1/me/password",
            "changePassword",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.recentSessionUserWithPassword();
              JsonBody b = c.body(Set.of("current_password", "new_password"));
              Password current = b.password("current_password");
              Password next = b.password("new_password");
              b.done();
              ValidationException.requireBoth(current, "current_password", next, "new_password");
              accounts.changePassword(p.userId(), p.sessionId(), current, next, c.actor());
              api.noContent(res);
            })
        .post(
            "/api/v1/me/email",
            "requestEmailChange",
            (req, res) -> {
              Call c = api.call(req);
              Principal p = c.recentSessionUserWithPassword();
              JsonBody b = c.body(Set.of("email", "current_password"));
              String email = b.string("email");
              Password current = b.password("current_password");
              b.done();
              ValidationException.requireBoth(email, "email", current, "current_password");
              accounts.requestEmailChange(p.userId(), email, current, c.actor());
              api.accepted(res);
            })
        .get(
            "/api/v1/me/emails",
            "listMyEmails",
            (req, res) -> {
              Call c = api.call(req);
              Page<EmailHistoryEntry> page =
                  accounts.emailHistory(c.user().userId(), Paging.limit(c), Paging.cursor(c));
              api.ok(res, views.page(page.items(), views::emailHistoryEntry, page.nextAfterId()));
            });
  }
}
