package org.userman.server.web;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.userman.auth.Principal;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.serviceaccount.ClientSecret;
import org.userman.serviceaccount.CreatedClientSecret;
import org.userman.serviceaccount.ServiceAccount;
import org.userman.serviceaccount.ServiceAccountPatch;
import org.userman.serviceaccount.ServiceAccounts;
import org.userman.session.Sessions;

/**
 * The admins' service-account pages: the accounts, a form that creates one with its first secret,
 * and each account's page, to disable or enable it, make and revoke secrets, and delete it. A new
 * secret shows on the page that answers its form, once; it is never in a link or a redirect.
 */
public final class ServiceAccountPages {
  private static final int PAGE_SIZE = 200;
  private final WebPages web;
  private final ServiceAccounts accounts;
  private final Sessions sessions;

  /** An account as the pages show one. */
  public record AccountRow(
      String id, String name, String description, String status, String roles, String created) {
    static AccountRow of(ServiceAccount a) {
      return new AccountRow(
          a.id(),
          a.name(),
          a.description(),
          a.status(),
          String.join(", ", a.roles()),
          WebPages.when(a.createdAt()));
    }
  }

  /** A secret as the pages show one: never the secret. */
  public record SecretRow(
      String id, String name, String prefix, String created, String lastUsed, String expires) {
    static SecretRow of(ClientSecret s) {
      return new SecretRow(
          s.id(),
          s.name(),
          s.prefix(),
          WebPages.when(s.createdAt()),
          WebPages.when(s.lastUsedAt()),
          WebPages.when(s.expiresAt()));
    }
  }

  public ServiceAccountPages(WebPages web, ServiceAccounts accounts, Sessions sessions) {
    this.sessions = sessions;
    this.web = web;
    this.accounts = accounts;
  }

  public void declare() {
    web.get(
            "/admin/service-accounts",
            c -> {
              c.admin();
              return WebReply.page("admin-service-accounts", listModel(c, Map.of()));
            })
        .post("/admin/service-accounts", this::create)
        .get(
            "/admin/service-accounts/{id}",
            c -> {
              c.admin();
              return accountPage(c, accounts.get(c.pathParam("id")), null);
            })
        .post(
            "/admin/service-accounts/{id}/status",
            c -> {
              Principal p = c.admin();
              ServiceAccount a = accounts.get(c.pathParam("id"));
              String id = a.id();
              String status =
                  "active".equals(c.field("status"))
                      ? ServiceAccounts.ACTIVE
                      : ServiceAccounts.DISABLED;
              try {
                if (ServiceAccounts.ACTIVE.equals(status)) {
                  // enabling it makes its secrets work again: only after a recent sign-in
                  sessions.requireRecentAuthentication(p.userId(), p.sessionId());
                }
                accounts.update(id, new ServiceAccountPatch(null, null, status, null), c.actor());
              } catch (UsermanException e) {
                return WebPages.invalid(
                    "admin-service-account", accountPage(c, a, null).model(), e, Map.of());
              }
              return WebReply.redirect(
                  "/admin/service-accounts/"
                      + WebPages.encode(id)
                      + "?notice="
                      + (ServiceAccounts.ACTIVE.equals(status)
                          ? "service_account_enabled"
                          : "service_account_disabled"));
            })
        .post(
            "/admin/service-accounts/{id}/secrets",
            c -> {
              Principal p = c.admin();
              ServiceAccount a = accounts.get(c.pathParam("id"));
              CreatedClientSecret made;
              try {
                // a secret outlives whoever made it: only after a recent sign-in
                sessions.requireRecentAuthentication(p.userId(), p.sessionId());
                made = accounts.createSecret(a.id(), c.field("name"), null, c.actor());
              } catch (UsermanException e) {
                return WebPages.invalid(
                    "admin-service-account", accountPage(c, a, null).model(), e, Map.of());
              }
              return accountPage(c, a, made);
            })
        .post(
            "/admin/service-accounts/{id}/secrets/{secret_id}/revoke",
            c -> {
              c.admin();
              String id = accounts.get(c.pathParam("id")).id();
              accounts.deleteSecret(id, c.pathParam("secret_id"), c.actor());
              return WebReply.redirect(
                  "/admin/service-accounts/" + WebPages.encode(id) + "?notice=secret_revoked");
            })
        .post(
            "/admin/service-accounts/{id}/delete",
            c -> {
              c.admin();
              accounts.delete(accounts.get(c.pathParam("id")).id(), c.actor());
              return WebReply.redirect("/admin/service-accounts?notice=service_account_deleted");
            });
  }

  private Map<String, Object> listModel(WebCall c, Map<String, String> typed) {
    Map<String, Object> model = new HashMap<>();
    WebPages.notice(c).ifPresent(n -> model.put("notice", n));
    model.put(
        "accounts", accounts.list(PAGE_SIZE, null).items().stream().map(AccountRow::of).toList());
    Map<String, String> values = new HashMap<>(Map.of("name", "", "description", "", "roles", ""));
    values.putAll(typed);
    model.put("values", values);
    return model;
  }

  /** Creates an account with its first secret, shown on the account's page that answers. */
  private WebReply create(WebCall c) {
    Principal p = c.admin();
    String name = c.field("name") == null ? "" : c.field("name").strip();
    String description = c.field("description");
    String typed = c.field("roles") == null ? "" : c.field("roles");
    List<String> roles =
        Arrays.stream(typed.split("[,\\s]+")).filter(r -> !r.isEmpty()).distinct().toList();
    ServiceAccount made;
    try {
      // it comes with a secret, which outlives whoever made it: only after a recent sign-in
      sessions.requireRecentAuthentication(p.userId(), p.sessionId());
      made = accounts.create(name, description, roles, null, c.actor());
    } catch (UsermanException e) {
      Map<String, Object> model =
          listModel(
              c,
              Map.of(
                  "name",
                  name,
                  "description",
                  description == null ? "" : description,
                  "roles",
                  typed));
      if (e.code() == ErrorCode.SERVICE_ACCOUNT_TAKEN) {
        model.put("errors", Map.of("name", e.getMessage()));
        return WebReply.page(409, "admin-service-accounts", model);
      }
      return WebPages.invalid("admin-service-accounts", model, e, Map.of());
    }
    return accountPage(c, made, accounts.createSecret(made.id(), "", null, c.actor()));
  }

  private WebReply accountPage(WebCall c, ServiceAccount a, CreatedClientSecret shown) {
    Map<String, Object> model = new HashMap<>();
    WebPages.notice(c).ifPresent(n -> model.put("notice", n));
    model.put("account", AccountRow.of(a));
    model.put("secrets", accounts.secrets(a.id()).stream().map(SecretRow::of).toList());
    if (shown != null) {
      model.put("newSecret", shown.secret());
    }
    model.put("values", Map.of("name", ""));
    return WebReply.page("admin-service-account", model);
  }
}
