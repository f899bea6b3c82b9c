package org.userman.server.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.userman.account.Accounts;
import org.userman.account.EmailHistoryEntry;
import org.userman.account.User;
import org.userman.account.UserPatch;
import org.userman.account.UserQuery;
import org.userman.account.UserStatus;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Page;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;

/**
 * The admins' pages: the user list with search (start of email, username or name) and a status
 * filter, paged; each user's page, with the addresses the user held, to approve, disable,
 * re-enable, edit roles and delete.
 */
public final class AdminPages {
  private static final int PAGE_SIZE = 50;
  private static final int MAX_QUERY = 320;
  private final WebPages web;
  private final Accounts accounts;

  /** A user as the pages show one. */
  public record UserRow(
      String id,
      String email,
      boolean emailVerified,
      String username,
      String name,
      String status,
      String roles,
      String created,
      String lastLogin) {
    static UserRow of(User u) {
      return new UserRow(
          u.id(),
          u.email(),
          u.emailVerified(),
          u.username(),
          u.name(),
          u.status().wire(),
          String.join(", ", u.roles()),
          WebPages.when(u.createdAt()),
          WebPages.when(u.lastLoginAt()));
    }
  }

  /** An address the user holds or held, as the user's page lists them. */
  public record EmailRow(
      String email, boolean verified, String from, String until, boolean current) {
    static EmailRow of(EmailHistoryEntry e) {
      return new EmailRow(
          e.email(), e.verified(), WebPages.when(e.from()), WebPages.when(e.until()), e.current());
    }
  }

  public AdminPages(WebPages web, Accounts accounts) {
    this.web = web;
    this.accounts = accounts;
  }

  public void declare() {
    web.get("/admin/users", this::list)
        .get(
            "/admin/users/{id}",
            c -> {
              c.admin();
              Map<String, Object> extra = new HashMap<>();
              WebPages.notice(c).ifPresent(n -> extra.put("notice", n));
              return userPage(accounts.get(c.pathParam("id")), extra);
            })
        .post("/admin/users/{id}/status", this::status)
        .post("/admin/users/{id}/roles", this::roles)
        .post(
            "/admin/users/{id}/unlock",
            c -> {
              c.admin();
              String id = accounts.get(c.pathParam("id")).id();
              accounts.unlock(id, c.actor());
              return WebReply.redirect("/admin/users/" + WebPages.encode(id) + "?notice=unlocked");
            })
        .post("/admin/users/{id}/delete", this::delete);
  }

  private WebReply list(WebCall c) {
    c.admin();
    String prefix = c.query("q").map(String::strip).orElse(null);
    String statusText = c.query("status").orElse(null);
    String after = c.query("after").orElse(null);
    Map<String, Object> model = new HashMap<>();
    model.put(
        "values",
        Map.of("q", prefix == null ? "" : prefix, "status", statusText == null ? "" : statusText));
    WebPages.notice(c).ifPresent(n -> model.put("notice", n));
    List<FieldError> errors = new ArrayList<>();
    if (prefix != null && prefix.length() > MAX_QUERY) {
      errors.add(FieldError.tooLong("q", MAX_QUERY));
    }
    UserStatus status = statusText == null ? null : UserStatus.parse(statusText).orElse(null);
    if (statusText != null && status == null) {
      errors.add(FieldError.invalidFormat("status", "one of pending, active, disabled"));
    }
    if (after != null && after.length() > 64) {
      errors.add(FieldError.invalidFormat("after", "a user id"));
    }
    if (!errors.isEmpty()) {
      model.put("users", List.of());
      return WebPages.invalid("admin-users", model, new ValidationException(errors), Map.of());
    }
    Page<User> page = accounts.list(new UserQuery(prefix, status, null, PAGE_SIZE, after));
    model.put("users", page.items().stream().map(UserRow::of).toList());
    if (page.nextAfterId() != null) {
      model.put(
          "next",
          "/admin/users?"
              + (prefix == null ? "" : "q=" + WebPages.encode(prefix) + "&")
              + (status == null ? "" : "status=" + status.wire() + "&")
              + "after="
              + WebPages.encode(page.nextAfterId()));
    }
    return WebReply.page("admin-users", model);
  }

  private WebReply userPage(User user, Map<String, Object> extra) {
    Map<String, Object> model = new HashMap<>(extra);
    model.put("target", UserRow.of(user));
    Page<EmailHistoryEntry> emails = accounts.emailHistory(user.id(), PAGE_SIZE, null);
    model.put("emails", emails.items().stream().map(EmailRow::of).toList());
    model.put("moreEmails", emails.nextAfterId() != null);
    model.putIfAbsent("values", Map.of("roles", String.join(", ", user.roles())));
    return WebReply.page("admin-user", model);
  }

  private WebReply status(WebCall c) {
    c.admin();
    String id = accounts.get(c.pathParam("id")).id();
    String wanted = c.optional("status");
    UserStatus status = wanted == null ? null : UserStatus.parse(wanted).orElse(null);
    return change(
        c,
        id,
        status == null
            ? new ValidationException(
                FieldError.invalidFormat("status", "one of pending, active, disabled"))
            : null,
        new UserPatch(null, null, null, false, null, status, null, null, null),
        "status_changed",
        Map.of());
  }

  private WebReply roles(WebCall c) {
    c.admin();
    String id = accounts.get(c.pathParam("id")).id();
    String typed = c.field("roles") == null ? "" : c.field("roles");
    List<String> roles =
        Arrays.stream(typed.split("[,\\s]+")).filter(r -> !r.isEmpty()).distinct().toList();
    return change(
        c,
        id,
        null,
        new UserPatch(null, null, null, false, null, null, roles, null, null),
        "roles_saved",
        Map.of("values", Map.of("roles", typed)));
  }

  /** Applies an admin's change to a user and goes back where the form was, or shows why not. */
  private WebReply change(
      WebCall c,
      String id,
      ValidationException invalid,
      UserPatch patch,
      String notice,
      Map<String, Object> typed) {
    try {
      if (invalid != null) {
        throw invalid;
      }
      accounts.update(id, patch, c.actor());
    } catch (UsermanException e) {
      return WebPages.invalid("admin-user", userPage(accounts.get(id), typed).model(), e, Map.of());
    }
    boolean fromList = "list".equals(c.field("back"));
    return WebReply.redirect(
        fromList
            ? "/admin/users?notice=" + notice
            : "/admin/users/" + WebPages.encode(id) + "?notice=" + notice);
  }

  private WebReply delete(WebCall c) {
    c.admin();
    User user = accounts.get(c.pathParam("id"));
    try {
      if (!"yes".equals(c.field("confirm"))) {
        throw new ValidationException(
            new FieldError("confirm", "required", "Tick the box to confirm"));
      }
      accounts.delete(user.id(), c.actor());
    } catch (UsermanException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        throw e;
      }
      return WebPages.invalid("admin-user", userPage(user, Map.of()).model(), e, Map.of());
    }
    return WebReply.redirect("/admin/users?notice=deleted");
  }
}
