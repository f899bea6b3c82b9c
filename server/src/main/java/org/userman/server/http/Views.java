package org.userman.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.userman.account.EmailHistoryEntry;
import org.userman.account.ImportSummary;
import org.userman.account.PublicProfile;
import org.userman.account.User;
import org.userman.apikey.ApiKey;
import org.userman.audit.AuditEvent;
import org.userman.mail.QueuedMail;
import org.userman.mfa.FactorStatus;
import org.userman.mfa.Passkey;
import org.userman.mfa.PasskeyCreation;
import org.userman.mfa.PasskeyRequest;
import org.userman.mfa.RecoveryCodes;
import org.userman.mfa.TotpEnrolment;
import org.userman.organization.Invitation;
import org.userman.organization.Member;
import org.userman.organization.Membership;
import org.userman.organization.Organization;
import org.userman.role.Role;
import org.userman.serviceaccount.ClientSecret;
import org.userman.serviceaccount.ServiceAccount;
import org.userman.session.LoginResult;
import org.userman.session.SecondFactorChallenge;
import org.userman.session.Session;
import org.userman.webhook.Webhook;
import org.userman.webhook.WebhookDelivery;

/** The JSON shapes of the contract. */
public final class Views {
  private final ObjectMapper json;

  /**
   * {@link #userJson}'s answers by user id, each with the very copy of the user it was written
   * from. A user is an immutable snapshot, and the library hands out the same copy until anything
   * is written, so a caller who reads their account many times has it written once; a new copy is
   * written anew. (Weak keys, which compare by identity, would do the same but cost a maintenance
   * task on every read.)
   */
  private final Cache<String, Written> userJson =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();

  /** An answer and the copy of the user it was written from. */
  private static final class Written {
    final User user;
    final byte[] bytes;

    Written(User user, byte[] bytes) {
      this.user = user;
      this.bytes = bytes;
    }
  }

  public Views(ObjectMapper json) {
    this.json = json;
  }

  /** {@link #user} as JSON bytes; the array is shared and must not be changed. */
  @SuppressWarnings("ReferenceEquality") // the very copy it was written from, as said above
  public byte[] userJson(User u) {
    Written w = userJson.getIfPresent(u.id());
    if (w != null && w.user == u) {
      return w.bytes;
    }
    byte[] bytes = writeUser(u);
    userJson.put(u.id(), new Written(u, bytes));
    return bytes;
  }

  private byte[] writeUser(User u) {
    try {
      return json.writeValueAsBytes(user(u));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a user did not serialize", e);
    }
  }

  /** What an import did: the counts, and the first problems by line. */
  public ObjectNode importSummary(ImportSummary s) {
    ObjectNode n = json.createObjectNode();
    n.put("imported", s.imported());
    n.put("skipped", s.skipped());
    n.put("failed", s.failed());
    n.put("dry_run", s.dryRun());
    ArrayNode problems = n.putArray("problems");
    for (ImportSummary.Problem p : s.problems()) {
      problems
          .addObject()
          .put("line", p.line())
          .put("outcome", p.outcome().code())
          .put("reason", p.reason());
    }
    return n;
  }

  /** A user as other signed-in users see them. */
  public ObjectNode profile(PublicProfile p) {
    ObjectNode n = json.createObjectNode();
    n.put("id", p.id());
    n.put("username", p.username());
    n.put("name", p.name());
    n.set("attributes", p.attributes());
    return n;
  }

  public ObjectNode user(User u) {
    ObjectNode n = json.createObjectNode();
    n.put("id", u.id());
    n.put("email", u.email());
    n.put("email_verified", u.emailVerified());
    n.put("username", u.username());
    n.put("name", u.name());
    n.put("status", u.status().wire());
    ArrayNode roles = n.putArray("roles");
    u.roles().forEach(roles::add);
    n.set("attributes", u.attributes());
    n.put("created_at", time(u.createdAt()));
    n.put("updated_at", time(u.updatedAt()));
    n.put("last_login_at", time(u.lastLoginAt()));
    return n;
  }

  public ObjectNode session(Session s, String currentSessionId) {
    ObjectNode n = json.createObjectNode();
    n.put("id", s.id());
    n.put("device", s.device());
    n.put("ip", s.ip());
    n.put("user_agent", s.userAgent());
    n.put("created_at", time(s.createdAt()));
    n.put("last_used_at", time(s.lastUsedAt()));
    n.put("expires_at", time(s.expiresAt()));
    n.put("current", s.id().equals(currentSessionId));
    ArrayNode amr = n.putArray("amr");
    s.amr().forEach(amr::add);
    return n;
  }

  /** A sign-in that waits for its second factor. */
  public ObjectNode challenge(SecondFactorChallenge c) {
    ObjectNode n = json.createObjectNode();
    n.put("second_factor_required", true);
    n.put("challenge", c.challenge());
    n.put("expires_in", c.expiresIn());
    ArrayNode factors = n.putArray("factors");
    c.factors().forEach(factors::add);
    return n;
  }

  public ObjectNode factorStatus(FactorStatus s) {
    ObjectNode n = json.createObjectNode();
    ObjectNode totp = n.putObject("totp");
    totp.put("enabled", s.totp());
    totp.put("pending", s.totpPending());
    n.put("recovery_codes_left", s.recoveryCodesLeft());
    return n;
  }

  public ObjectNode passkey(Passkey p) {
    ObjectNode n = json.createObjectNode();
    n.put("id", p.id());
    n.put("name", p.name());
    n.put("synced", p.synced());
    ArrayNode transports = n.putArray("transports");
    p.transports().forEach(transports::add);
    n.put("created_at", time(p.createdAt()));
    n.put("last_used_at", time(p.lastUsedAt()));
    return n;
  }

  /**
   * Options for {@code navigator.credentials.create}, under {@code public_key} in WebAuthn's own
   * JSON form (its camelCase names), which browsers take as they are ({@code
   * PublicKeyCredential.parseCreationOptionsFromJSON}).
   */
  public ObjectNode passkeyCreation(PasskeyCreation c) {
    ObjectNode n = json.createObjectNode();
    ObjectNode o = n.putObject("public_key");
    o.put("challenge", c.challenge());
    ObjectNode rp = o.putObject("rp");
    rp.put("id", c.rpId());
    rp.put("name", c.rpName());
    ObjectNode user = o.putObject("user");
    user.put("id", c.userHandle());
    user.put("name", c.userName());
    user.put("displayName", c.userDisplayName());
    ArrayNode params = o.putArray("pubKeyCredParams");
    c.algorithms().forEach(alg -> params.addObject().put("type", "public-key").put("alg", alg));
    o.put("timeout", c.timeoutMillis());
    ArrayNode exclude = o.putArray("excludeCredentials");
    c.excludeCredentials()
        .forEach(id -> exclude.addObject().put("type", "public-key").put("id", id));
    ObjectNode selection = o.putObject("authenticatorSelection");
    selection.put("residentKey", "required");
    selection.put("requireResidentKey", true);
    selection.put("userVerification", "required");
    o.put("attestation", "none");
    return n;
  }

  /** Options for {@code navigator.credentials.get}, in WebAuthn's JSON form. */
  public ObjectNode passkeyRequest(PasskeyRequest r) {
    ObjectNode n = json.createObjectNode();
    ObjectNode o = n.putObject("public_key");
    o.put("challenge", r.challenge());
    o.put("rpId", r.rpId());
    o.put("timeout", r.timeoutMillis());
    o.putArray("allowCredentials");
    o.put("userVerification", "required");
    return n;
  }

  public ObjectNode totpEnrolment(TotpEnrolment e) {
    ObjectNode n = json.createObjectNode();
    n.put("secret", e.secret());
    n.put("uri", e.uri());
    return n;
  }

  public ObjectNode recoveryCodes(RecoveryCodes r) {
    ObjectNode n = json.createObjectNode();
    ArrayNode codes = n.putArray("recovery_codes");
    r.codes().forEach(codes::add);
    return n;
  }

  public ObjectNode login(LoginResult r) {
    ObjectNode n = json.createObjectNode();
    n.put("access_token", r.accessToken());
    n.put("token_type", "Bearer");
    n.put("expires_in", r.expiresIn());
    n.put("refresh_token", r.refreshToken());
    n.set("session", session(r.session(), r.session().id()));
    n.set("user", user(r.user()));
    return n;
  }

  public ObjectNode apiKey(ApiKey k) {
    ObjectNode n = json.createObjectNode();
    n.put("id", k.id());
    n.put("name", k.name());
    n.put("prefix", k.prefix());
    n.put("created_at", time(k.createdAt()));
    n.put("last_used_at", time(k.lastUsedAt()));
    n.put("expires_at", time(k.expiresAt()));
    return n;
  }

  public ObjectNode auditEvent(AuditEvent e) {
    ObjectNode n = json.createObjectNode();
    n.put("id", e.id());
    n.put("type", e.type().code());
    n.put("at", time(e.at()));
    n.put("actor_id", e.actorId());
    n.put("subject_id", e.subjectId());
    n.put("ip", e.ip());
    n.put("user_agent", e.userAgent());
    n.put("outcome", e.outcome());
    ObjectNode details = n.putObject("details");
    e.details().forEach(details::put);
    return n;
  }

  public ObjectNode queuedMail(QueuedMail m) {
    ObjectNode n = json.createObjectNode();
    n.put("id", m.id());
    n.put("to", m.to());
    n.put("subject", m.subject());
    n.put("status", m.status().wire());
    n.put("attempts", m.attempts());
    n.put("created_at", time(m.createdAt()));
    n.put(
        "next_attempt_at",
        m.status() == QueuedMail.Status.PENDING ? time(m.nextAttemptAt()) : null);
    n.put("sent_at", time(m.sentAt()));
    n.put("last_error", m.lastError());
    return n;
  }

  /** An endpoint as admins see it; {@code events} empty means every type. */
  public ObjectNode webhook(Webhook w) {
    ObjectNode n = json.createObjectNode();
    n.put("id", w.id());
    n.put("url", w.url());
    n.put("description", w.description());
    ArrayNode events = n.putArray("events");
    w.events().forEach(t -> events.add(t.code()));
    n.put("enabled", w.enabled());
    n.put("disabled_reason", w.disabledReason());
    n.put("failing_since", time(w.failingSince()));
    n.put("previous_secret_expires_at", time(w.previousSecretUntil()));
    n.put("created_at", time(w.createdAt()));
    n.put("updated_at", time(w.updatedAt()));
    return n;
  }

  /** An entry of an endpoint's delivery log: no body beyond the answer's short excerpt. */
  public ObjectNode webhookDelivery(WebhookDelivery d) {
    ObjectNode n = json.createObjectNode();
    n.put("event_id", d.eventId());
    n.put("event_type", d.eventType().code());
    n.put("status", d.status().wire());
    n.put("attempts", d.attempts());
    n.put("response_status", d.responseStatus());
    n.put("latency_ms", d.latencyMillis());
    n.put("response_excerpt", d.responseExcerpt());
    n.put("last_error", d.lastError());
    n.put("next_attempt_at", time(d.nextAttemptAt()));
    n.put("created_at", time(d.createdAt()));
    n.put("delivered_at", time(d.deliveredAt()));
    return n;
  }

  /** An address the user held, or holds ({@code current}). */
  public ObjectNode emailHistoryEntry(EmailHistoryEntry e) {
    ObjectNode n = json.createObjectNode();
    n.put("email", e.email());
    n.put("verified", e.verified());
    n.put("from", time(e.from()));
    n.put("until", time(e.until()));
    n.put("current", e.current());
    return n;
  }

  public ObjectNode serviceAccount(ServiceAccount a) {
    ObjectNode n = json.createObjectNode();
    n.put("id", a.id());
    n.put("client_id", a.clientId());
    n.put("name", a.name());
    n.put("description", a.description());
    n.put("status", a.status());
    ArrayNode roles = n.putArray("roles");
    a.roles().forEach(roles::add);
    n.put("created_at", time(a.createdAt()));
    n.put("updated_at", time(a.updatedAt()));
    n.put("organization_id", a.organizationId());
    return n;
  }

  public ObjectNode clientSecret(ClientSecret s) {
    ObjectNode n = json.createObjectNode();
    n.put("id", s.id());
    n.put("name", s.name());
    n.put("prefix", s.prefix());
    n.put("created_at", time(s.createdAt()));
    n.put("last_used_at", time(s.lastUsedAt()));
    n.put("expires_at", time(s.expiresAt()));
    return n;
  }

  public ObjectNode role(Role r) {
    ObjectNode n = json.createObjectNode();
    n.put("name", r.name());
    n.put("description", r.description());
    n.put("built_in", r.builtIn());
    n.put("user_count", r.users());
    n.put("created_at", time(r.createdAt()));
    return n;
  }

  public ObjectNode organization(Organization o) {
    ObjectNode n = json.createObjectNode();
    n.put("id", o.id());
    n.put("name", o.name());
    n.put("slug", o.slug());
    n.put("member_count", o.members());
    n.put("created_at", time(o.createdAt()));
    n.put("updated_at", time(o.updatedAt()));
    return n;
  }

  /** An organization the caller belongs to, with the caller's roles there. */
  public ObjectNode membership(Membership m) {
    ObjectNode n = organization(m.organization());
    ArrayNode roles = n.putArray("roles");
    m.roles().forEach(roles::add);
    n.put("joined_at", time(m.joinedAt()));
    return n;
  }

  public ObjectNode member(Member m) {
    ObjectNode n = json.createObjectNode();
    n.put("organization_id", m.organizationId());
    n.put("user_id", m.userId());
    n.put("email", m.email());
    n.put("name", m.name());
    ArrayNode roles = n.putArray("roles");
    m.roles().forEach(roles::add);
    n.put("joined_at", time(m.joinedAt()));
    return n;
  }

  public ObjectNode invitation(Invitation i) {
    ObjectNode n = json.createObjectNode();
    n.put("id", i.id());
    n.put("organization_id", i.organizationId());
    n.put("email", i.email());
    ArrayNode roles = n.putArray("roles");
    i.roles().forEach(roles::add);
    n.put("invited_by", i.invitedBy());
    n.put("created_at", time(i.createdAt()));
    n.put("expires_at", time(i.expiresAt()));
    return n;
  }

  /** {@code {"items": [...], "next_cursor": ...}}; the cursor is opaque to clients. */
  public <T> ObjectNode page(List<T> items, Function<T, ObjectNode> view, String nextAfterId) {
    ObjectNode n = json.createObjectNode();
    ArrayNode array = n.putArray("items");
    items.forEach(i -> array.add(view.apply(i)));
    n.put("next_cursor", nextAfterId == null ? null : encodeCursor(nextAfterId));
    return n;
  }

  public <T> ObjectNode items(List<T> items, Function<T, ObjectNode> view) {
    ObjectNode n = json.createObjectNode();
    ArrayNode array = n.putArray("items");
    items.forEach(i -> array.add(view.apply(i)));
    return n;
  }

  static String encodeCursor(String afterId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(afterId.getBytes(StandardCharsets.UTF_8));
  }

  /** The id a cursor stands for, or null when it is not one of ours. */
  static String decodeCursor(String cursor) {
    return decodeCursor(cursor, org.userman.common.Identifiers::looksLikeId);
  }

  /**
   * The key a cursor stands for when {@code accept} takes it (a listing keyed by something else
   * than ids: roles, by name), or null.
   */
  static String decodeCursor(String cursor, java.util.function.Predicate<String> accept) {
    try {
      String id = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      return accept.test(id) ? id : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
