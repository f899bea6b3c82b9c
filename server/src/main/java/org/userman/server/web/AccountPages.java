package org.userman.server.web;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.userman.account.Accounts;
import org.userman.account.User;
import org.userman.account.UserPatch;
import org.userman.apikey.ApiKeys;
import org.userman.apikey.CreatedApiKey;
import org.userman.auth.Principal;
import org.userman.common.ErrorCode;
import org.userman.common.Page;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.mfa.Passkeys;
import org.userman.mfa.SecondFactors;
import org.userman.organization.Organizations;
import org.userman.password.Password;
import org.userman.session.Sessions;

/**
 * A signed-in person's own account: profile, email and password, the devices signed in (sign out
 * one, or all), and personal API keys (a new key is shown once).
 */
public final class AccountPages {
  /** Several forms share the page: their field names differ where the API's would collide. */
  private static final Map<String, String> EMAIL_FIELDS =
      Map.of("email", "new_email", "current_password", "email_current_password");

  private static final Map<String, String> KEY_FIELDS = Map.of("name", "key_name");
  private final WebPages web;
  private final Accounts accounts;
  private final Sessions sessions;
  private final ApiKeys apiKeys;
  private final SecondFactors secondFactors;
  private final Passkeys passkeys;
  private final Organizations organizations;

  /** A passkey as the page lists it. */
  public record PasskeyRow(
      String id, String name, boolean synced, String created, String lastUsed) {}

  /** An organization the person belongs to, as the page lists it. */
  public record OrganizationRow(String id, String name, String roles) {}

  /** A session as the page lists it. */
  public record SessionRow(
      String id,
      String device,
      String ip,
      String userAgent,
      String since,
      String lastUsed,
      boolean current) {}

  /** An API key as the page lists it. */
  public record KeyRow(
      String id, String name, String prefix, String created, String lastUsed, String expires) {}

  public AccountPages(
      WebPages web,
      Accounts accounts,
      Sessions sessions,
      ApiKeys apiKeys,
      SecondFactors secondFactors,
      Passkeys passkeys,
      Organizations organizations) {
    this.organizations = organizations;
    this.secondFactors = secondFactors;
    this.passkeys = passkeys;
    this.web = web;
    this.accounts = accounts;
    this.sessions = sessions;
    this.apiKeys = apiKeys;
  }

  public void declare() {
    web.get(
            "/account",
            c -> {
              Map<String, Object> extra = new HashMap<>();
              WebPages.notice(c).ifPresent(n -> extra.put("notice", n));
              return page(c.user(), extra);
            })
        .post("/account/profile", this::profile)
        .post("/account/email", this::email)
        .post("/account/password", this::password)
        .post("/account/sessions/{id}/revoke", this::endSession)
        .post(
            "/account/sessions/revoke-all",
            c -> {
              sessions.revokeAll(c.user().userId(), c.actor());
              return WebReply.redirect("/login?notice=signed_out_everywhere")
                  .withCookie(web.signOutCookie());
            })
        .post("/account/api-keys", this::createKey)
        .post(
            "/account/api-keys/revoke-all",
            c -> {
              apiKeys.deleteAll(c.user().userId(), c.actor());
              return WebReply.redirect("/account?notice=keys_revoked");
            })
        .post(
            "/account/api-keys/{id}/revoke",
            c -> {
              apiKeys.delete(c.user().userId(), c.pathParam("id"), c.actor());
              return WebReply.redirect("/account?notice=key_revoked");
            });
  }

  private WebReply page(Principal p, Map<String, Object> extra) {
    User user = accounts.get(p.userId());
    List<SessionRow> rows =
        sessions.list(p.userId()).stream()
            .map(
                s ->
                    new SessionRow(
                        s.id(),
                        s.device(),
                        s.ip(),
                        s.userAgent(),
                        WebPages.when(s.createdAt()),
                        WebPages.when(s.lastUsedAt()),
                        s.id().equals(p.sessionId())))
            .toList();
    List<KeyRow> keys =
        apiKeys.list(p.userId()).stream()
            .map(
                k ->
                    new KeyRow(
                        k.id(),
                        k.name(),
                        k.prefix(),
                        WebPages.when(k.createdAt()),
                        WebPages.when(k.lastUsedAt()),
                        WebPages.when(k.expiresAt())))
            .toList();
    Map<String, Object> model = new HashMap<>();
    model.put("user", user);
    model.put("sessions", rows);
    model.put("keys", keys);
    model.put("factors", secondFactors.status(p.userId()));
    model.put(
        "organizations",
        organizations.of(p.userId(), Page.MAX_LIMIT, null).items().stream()
            .map(
                m ->
                    new OrganizationRow(
                        m.organization().id(),
                        m.organization().name(),
                        String.join(", ", m.roles())))
            .toList());
    model.put(
        "passkeys",
        passkeys.list(p.userId()).stream()
            .map(
                k ->
                    new PasskeyRow(
                        k.id(),
                        k.name(),
                        k.synced(),
                        WebPages.when(k.createdAt()),
                        WebPages.when(k.lastUsedAt())))
            .toList());
    Map<String, String> values = new HashMap<>();
    values.put("name", user.name());
    values.put("username", user.username() == null ? "" : user.username());
    model.put("values", values);
    model.putAll(extra);
    return WebReply.page("account", model);
  }

  /** The account page again, showing why a form failed; what was typed (but passwords) stays. */
  WebReply failed(
      Principal p, UsermanException e, Map<String, String> rename, Map<String, String> typed) {
    WebReply base = page(p, Map.of());
    @SuppressWarnings("unchecked")
    Map<String, String> values = new HashMap<>((Map<String, String>) base.model().get("values"));
    values.putAll(typed);
    Map<String, Object> model = new HashMap<>(base.model());
    model.put("values", values);
    return WebPages.invalid("account", model, e, rename);
  }

  private WebReply profile(WebCall c) {
    Principal p = c.user();
    String name = c.field("name");
    String username = c.optional("username");
    try {
      accounts.updateProfile(
          p.userId(),
          new UserPatch(
              null,
              null,
              username,
              username == null,
              name == null ? null : name.strip(),
              null,
              null,
              null,
              null),
          c.actor());
    } catch (UsermanException e) {
      return failed(
          p,
          e,
          Map.of(),
          Map.of("name", name == null ? "" : name, "username", username == null ? "" : username));
    }
    return WebReply.redirect("/account?notice=profile_saved");
  }

  private WebReply email(WebCall c) {
    Principal p = c.user();
    String email = c.optional("new_email");
    Password current = c.password("email_current_password");
    try {
      ValidationException.requireBoth(email, "email", current, "current_password");
      sessions.requireRecentAuthenticationWithPassword(p.userId(), p.sessionId());
      accounts.requestEmailChange(p.userId(), email, current, c.actor());
    } catch (UsermanException e) {
      return failed(p, e, EMAIL_FIELDS, Map.of("new_email", email == null ? "" : email));
    }
    return WebReply.redirect("/account?notice=email_sent");
  }

  private WebReply password(WebCall c) {
    Principal p = c.user();
    Password current = c.password("current_password");
    Password next = c.password("new_password");
    try {
      ValidationException.requireBoth(current, "current_password", next, "new_password");
      sessions.requireRecentAuthenticationWithPassword(p.userId(), p.sessionId());
      accounts.changePassword(p.userId(), p.sessionId(), current, next, c.actor());
    } catch (UsermanException e) {
      return failed(p, e, Map.of(), Map.of());
    }
    return WebReply.redirect("/account?notice=password_changed");
  }

  private WebReply endSession(WebCall c) {
    Principal p = c.user();
    String id = c.pathParam("id");
    try {
      sessions.revoke(p.userId(), id, c.actor());
    } catch (UsermanException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
    }
    if (id.equals(p.sessionId())) {
      return WebReply.redirect("/login?notice=signed_out").withCookie(web.signOutCookie());
    }
    return WebReply.redirect("/account?notice=session_ended");
  }

  private WebReply createKey(WebCall c) {
    Principal p = c.user();
    String name = c.optional("key_name");
    CreatedApiKey created;
    try {
      sessions.requireRecentAuthentication(p.userId(), p.sessionId());
      created = apiKeys.create(p.userId(), name, null, c.actor());
    } catch (UsermanException e) {
      return failed(p, e, KEY_FIELDS, Map.of("key_name", name == null ? "" : name));
    }
    // Shown this once, on this answer only (no redirect: the key must not sit in a URL).
    return page(p, Map.of("newKey", created.key(), "newKeyName", created.apiKey().name()));
  }
}
