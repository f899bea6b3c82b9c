package org.userman.server.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Set;
import org.userman.account.Accounts;
import org.userman.account.EmailHistoryEntry;
import org.userman.account.NewUser;
import org.userman.account.User;
import org.userman.account.UserPatch;
import org.userman.account.UserQuery;
import org.userman.account.UserStatus;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Page;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.organization.Organizations;
import org.userman.role.Roles;

/** Registration and the admin's user management. */
public final class UserRoutes {
  private static final Set<String> CREATE_FIELDS =
      Set.of(
          "email",
          "password",
          "name",
          "username",
          "attributes",
          "status",
          "roles",
          "email_verified");
  private static final Set<String> PATCH_FIELDS =
      Set.of(
          "email",
          "email_verified",
          "username",
          "name",
          "status",
          "roles",
          "attributes",
          "password");
  private static final int MAX_PREFIX = 320;
  private final Api api;
  private final Accounts accounts;
  private final Views views;
  private final Organizations organizations;

  public UserRoutes(Api api, Accounts accounts, Organizations organizations, Views views) {
    this.organizations = organizations;
    this.api = api;
    this.accounts = accounts;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.post("/api/v1/users", "createUser", this::create)
        .get("/api/v1/users", "listUsers", this::list)
        .get(
            "/api/v1/users/{id}",
            "getUser",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              api.ok(res, views.user(accounts.get(c.pathParam("id"))));
            })
        .get(
            "/api/v1/users/{id}/emails",
            "listUserEmails",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              Page<EmailHistoryEntry> page =
                  accounts.emailHistory(c.pathParam("id"), Paging.limit(c), Paging.cursor(c));
              api.ok(res, views.page(page.items(), views::emailHistoryEntry, page.nextAfterId()));
            })
        .get(
            "/api/v1/users/{id}/profile",
            "getUserProfile",
            (req, res) -> {
              Call c = api.call(req);
              String viewer = c.user().userId();
              String id = c.pathParam("id");
              // a member of an organization is seen only by those who share one (404 to others,
              // as for anything of an organization the caller is not in)
              if (!c.callerIsAdmin() && !organizations.seesProfile(viewer, id)) {
                throw new UsermanException(ErrorCode.NOT_FOUND, "No such user.");
              }
              api.ok(res, views.profile(accounts.publicProfile(id)));
            })
        .patch("/api/v1/users/{id}", "updateUser", this::update)
        .delete(
            "/api/v1/users/{id}",
            "deleteUser",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              accounts.delete(accounts.get(c.pathParam("id")).id(), c.actor());
              api.noContent(res);
            })
        .post(
            "/api/v1/users/{id}/unlock",
            "unlockUser",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              c.body(Set.of()).done();
              accounts.unlock(c.pathParam("id"), c.actor());
              api.noContent(res);
            });
  }

  private void create(ServerRequest req, ServerResponse res) {
    Call c = api.call(req);
    // A credential, when sent, must be valid; an admin's unlocks the admin-only fields.
    boolean byAdmin = c.hasCredential() && c.caller() != null && c.callerIsAdmin();
    JsonBody b = c.body(CREATE_FIELDS);
    NewUser n =
        new NewUser(
            b.string("email"),
            b.password("password"),
            b.string("name"),
            b.string("username"),
            b.object("attributes"),
            status(b.string("status")),
            b.strings("roles"),
            b.bool("email_verified"));
    b.done();
    User user = accounts.create(n, byAdmin, c.actor());
    res.header("Location", "/api/v1/users/" + user.id());
    api.json(res, 201, views.user(user));
  }

  private void update(ServerRequest req, ServerResponse res) {
    Call c = api.call(req);
    c.admin();
    String id = accounts.get(c.pathParam("id")).id();
    JsonBody b = c.body(PATCH_FIELDS);
    UserPatch p =
        new UserPatch(
            b.string("email"),
            b.bool("email_verified"),
            b.string("username"),
            b.isNull("username"),
            b.string("name"),
            status(b.string("status")),
            b.strings("roles"),
            b.object("attributes"),
            b.password("password"));
    b.done();
    if (p.password() != null || p.email() != null) {
      // A credential of any user, an admin's own included: never through an API key, and only
      // with a recent proof of who the admin is, as nothing here asks for the admin's password.
      c.recentSessionUser();
    }
    api.ok(res, views.user(accounts.update(id, p, c.actor())));
  }

  private void list(ServerRequest req, ServerResponse res) {
    Call c = api.call(req);
    c.admin();
    String prefix = c.query("prefix").filter(p -> !p.isEmpty()).orElse(null);
    if (prefix != null && prefix.length() > MAX_PREFIX) {
      throw new ValidationException(FieldError.tooLong("prefix", MAX_PREFIX));
    }
    UserStatus status = c.query("status").map(UserRoutes::status).orElse(null);
    String role = c.query("role").orElse(null);
    if (role != null) {
      Roles.check("role", role)
          .ifPresent(
              e -> {
                throw new ValidationException(e);
              });
    }
    Page<User> page =
        accounts.list(new UserQuery(prefix, status, role, Paging.limit(c), Paging.cursor(c)));
    api.ok(res, views.page(page.items(), views::user, page.nextAfterId()));
  }

  private static UserStatus status(String s) {
    if (s == null) {
      return null;
    }
    return UserStatus.parse(s)
        .orElseThrow(
            () ->
                new ValidationException(
                    FieldError.invalidFormat("status", "one of pending, active, disabled")));
  }
}
