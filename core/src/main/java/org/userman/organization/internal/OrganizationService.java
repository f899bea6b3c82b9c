package org.userman.organization.internal;

import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.userman.account.internal.Email;
import org.userman.audit.AuditType;
import org.userman.audit.internal.AuditLogService;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.Identifiers;
import org.userman.common.Page;
import org.userman.common.Text;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.internal.Ids;
import org.userman.internal.Secrets;
import org.userman.limit.LimitRule;
import org.userman.limit.internal.RateLimiter;
import org.userman.mail.internal.MailQueueService;
import org.userman.mail.internal.MailTemplates;
import org.userman.organization.Invitation;
import org.userman.organization.Member;
import org.userman.organization.Membership;
import org.userman.organization.Organization;
import org.userman.organization.Organizations;
import org.userman.organization.Viewer;
import org.userman.role.Roles;
import org.userman.session.internal.OrganizationCheck;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;

/**
 * Organizations, members and invitations, with one access rule: a caller who is neither a member
 * nor an instance admin finds nothing ({@code not_found}); a member who may not do something is
 * told so ({@code forbidden}). Every change to an organization's members locks its row first, so
 * that the rule "an organization keeps an owner" holds under concurrent changes on every node.
 */
public final class OrganizationService implements Organizations, OrganizationCheck {
  /** How long an invitation's link works. */
  static final Duration INVITATION_TTL = Duration.ofDays(7);

  private final Database db;
  private final OrganizationStore store;
  private final AuditLogService audit;
  private final MailQueueService mail;
  private final MailTemplates templates;
  private final Secrets secrets;
  private final Ids ids;
  private final Clock clock;

  private final RateLimiter limiter;

  public OrganizationService(
      Database db,
      OrganizationStore store,
      AuditLogService audit,
      MailQueueService mail,
      MailTemplates templates,
      Secrets secrets,
      Ids ids,
      Clock clock,
      RateLimiter limiter) {
    this.limiter = limiter;
    this.db = db;
    this.store = store;
    this.audit = audit;
    this.mail = mail;
    this.templates = templates;
    this.secrets = secrets;
    this.ids = ids;
    this.clock = clock;
  }

  /** What the viewer may do in one organization. */
  private record Access(boolean instanceAdmin, List<String> roles) {
    boolean manages() {
      return instanceAdmin || roles.contains(OWNER) || roles.contains(ADMIN);
    }

    boolean owns() {
      return instanceAdmin || roles.contains(OWNER);
    }
  }

  /**
   * The viewer's access to the organization: {@code not_found} when it does not exist or the viewer
   * is neither a member nor an instance admin, alike. With {@code lock}, the organization's row
   * stays locked until the transaction ends.
   */
  private Access access(Handle h, Viewer viewer, String organizationId, boolean lock) {
    if (!Identifiers.looksLikeId(organizationId)) {
      throw notFound();
    }
    boolean exists =
        lock ? store.lock(h, organizationId) : store.find(h, organizationId).isPresent();
    if (!exists) {
      throw notFound();
    }
    Optional<List<String>> roles =
        viewer.userId() == null
            ? Optional.empty()
            : store.roles(h, organizationId, viewer.userId());
    if (roles.isEmpty() && !viewer.instanceAdmin()) {
      throw notFound();
    }
    return new Access(viewer.instanceAdmin(), roles.orElse(List.of()));
  }

  private static void requireManager(Access a) {
    if (!a.manages()) {
      throw new UsermanException(
          ErrorCode.FORBIDDEN, "This needs the owner or admin role in the organization.");
    }
  }

  @Override
  public Organization create(String name, String slug, Actor actor) {
    if (actor.userId() == null) {
      throw new UsermanException(ErrorCode.FORBIDDEN, "A user creates an organization.");
    }
    List<FieldError> errors = new ArrayList<>();
    String cleanName = checkName(name, true, errors);
    if (slug != null) {
      Organizations.checkSlug("slug", slug).ifPresent(errors::add);
    }
    ValidationException.throwIfAny(errors);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    String id = ids.next();
    try {
      return db.tx(
          h -> {
            String chosen = slug;
            if (chosen == null) {
              chosen = slugOf(cleanName);
              if (store.slugTaken(h, chosen, null)) {
                chosen = trimSlug(chosen, 55) + "-" + id.substring(id.length() - 8);
              }
            } else if (store.slugTaken(h, chosen, null)) {
              throw slugTaken();
            }
            Organization org = new Organization(id, cleanName, chosen, now, now, 1);
            store.insert(h, org);
            store.insertMember(h, id, actor.userId(), now);
            store.setRoles(h, id, actor.userId(), List.of(OWNER));
            audit.record(
                h,
                AuditType.ORGANIZATION_CREATED,
                actor,
                actor.userId(),
                details(id, "name", cleanName, "slug", chosen));
            return org;
          });
    } catch (RuntimeException e) {
      throw Dialect.isUniqueViolation(e) ? slugTaken() : e;
    }
  }

  private static String checkName(String name, boolean required, List<FieldError> errors) {
    if (name == null) {
      if (required) {
        errors.add(FieldError.required("name"));
      }
      return null;
    }
    String clean = Text.nfkc(name.strip());
    if (clean.isEmpty()) {
      errors.add(FieldError.required("name"));
    } else if (Text.length(clean) > MAX_NAME) {
      errors.add(FieldError.tooLong("name", MAX_NAME));
    } else if (!Text.isPrintable(clean)) {
      errors.add(
          FieldError.invalidFormat(
              "name", "control characters and lone surrogates are not allowed"));
    }
    return clean;
  }

  /** A slug made from a name: its letters and digits without accents, the rest as hyphens. */
  static String slugOf(String name) {
    String ascii =
        Normalizer.normalize(name, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}+", "")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-");
    String slug = trimSlug(ascii, 64);
    return slug.isEmpty() ? "org" : slug;
  }

  private static String trimSlug(String s, int max) {
    String cut = s.length() > max ? s.substring(0, max) : s;
    return cut.replaceAll("^-+|-+$", "");
  }

  private static UsermanException slugTaken() {
    return new UsermanException(
        ErrorCode.SLUG_TAKEN, "An organization with this slug exists already.");
  }

  private static UsermanException notFound() {
    return new UsermanException(ErrorCode.NOT_FOUND, "No such organization.");
  }

  private static Map<String, String> details(String organizationId, String... kv) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("organization_id", organizationId);
    for (int i = 0; i + 1 < kv.length; i += 2) {
      d.put(kv[i], kv[i + 1]);
    }
    return d;
  }

  @Override
  public Page<Organization> list(Viewer viewer, int limit, String afterId) {
    if (viewer.instanceAdmin()) {
      return Page.of(db.read(h -> store.page(h, afterId, limit + 1)), limit, Organization::id);
    }
    Page<Membership> mine = of(viewer.userId(), limit, afterId);
    return new Page<>(
        mine.items().stream().map(Membership::organization).toList(), mine.nextAfterId());
  }

  @Override
  public Page<Membership> of(String userId, int limit, String afterOrganizationId) {
    if (userId == null) {
      return new Page<>(List.of(), null);
    }
    return Page.of(
        db.read(h -> store.memberships(h, userId, afterOrganizationId, limit + 1)),
        limit,
        m -> m.organization().id());
  }

  @Override
  public Organization get(Viewer viewer, String organizationId) {
    return db.read(
        h -> {
          access(h, viewer, organizationId, false);
          return store.find(h, organizationId).orElseThrow(OrganizationService::notFound);
        });
  }

  @Override
  public Organization update(Viewer viewer, String organizationId, String name, String slug) {
    List<FieldError> errors = new ArrayList<>();
    String cleanName = checkName(name, false, errors);
    if (slug != null) {
      Organizations.checkSlug("slug", slug).ifPresent(errors::add);
    }
    ValidationException.throwIfAny(errors);
    try {
      return db.tx(
          h -> {
            requireManager(access(h, viewer, organizationId, true));
            Organization before =
                store.find(h, organizationId).orElseThrow(OrganizationService::notFound);
            String newName = cleanName == null ? before.name() : cleanName;
            String newSlug = slug == null ? before.slug() : slug;
            if (!newSlug.equals(before.slug()) && store.slugTaken(h, newSlug, organizationId)) {
              throw slugTaken();
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            store.update(h, organizationId, newName, newSlug, now);
            Map<String, String> d = details(organizationId);
            if (!newName.equals(before.name())) {
              d.put("name", newName);
            }
            if (!newSlug.equals(before.slug())) {
              d.put("slug", newSlug);
            }
            audit.record(h, AuditType.ORGANIZATION_UPDATED, viewer.actor(), null, d);
            return new Organization(
                organizationId, newName, newSlug, before.createdAt(), now, before.members());
          });
    } catch (RuntimeException e) {
      throw Dialect.isUniqueViolation(e) ? slugTaken() : e;
    }
  }

  @Override
  public void delete(Viewer viewer, String organizationId) {
    db.tx(
        h -> {
          Access a = access(h, viewer, organizationId, true);
          if (!a.owns()) {
            throw new UsermanException(
                ErrorCode.FORBIDDEN, "Only the organization's owners delete it.");
          }
          Organization org = store.find(h, organizationId).orElseThrow();
          store.delete(h, organizationId);
          audit.record(
              h,
              AuditType.ORGANIZATION_DELETED,
              viewer.actor(),
              null,
              details(organizationId, "name", org.name(), "members", Long.toString(org.members())));
          return null;
        });
  }

  @Override
  public Page<Member> members(Viewer viewer, String organizationId, int limit, String afterUserId) {
    return db.read(
        h -> {
          access(h, viewer, organizationId, false);
          return Page.of(
              store.members(h, organizationId, afterUserId, limit + 1), limit, Member::userId);
        });
  }

  @Override
  public Member member(Viewer viewer, String organizationId, String userId) {
    return db.read(
        h -> {
          access(h, viewer, organizationId, false);
          return findMember(h, organizationId, userId);
        });
  }

  private Member findMember(Handle h, String organizationId, String userId) {
    if (!Identifiers.looksLikeId(userId)) {
      throw noMember();
    }
    return store.member(h, organizationId, userId).orElseThrow(OrganizationService::noMember);
  }

  private static UsermanException noMember() {
    return new UsermanException(ErrorCode.NOT_FOUND, "No such member.");
  }

  /** Checked, sorted and without repeats; {@code validation_failed} naming {@code field}. */
  static List<String> checkRoles(String field, List<String> roles, boolean required) {
    if (roles == null || roles.isEmpty()) {
      if (required) {
        throw new ValidationException(FieldError.required(field));
      }
      return List.of(MEMBER);
    }
    List<FieldError> errors = new ArrayList<>();
    for (String role : roles) {
      Roles.check(field, role).ifPresent(errors::add);
    }
    ValidationException.throwIfAny(errors);
    TreeSet<String> set = new TreeSet<>(roles);
    if (set.size() > MAX_ROLES) {
      throw new ValidationException(
          FieldError.invalidFormat(field, "at most " + MAX_ROLES + " roles"));
    }
    return List.copyOf(set);
  }

  @Override
  public Member putMember(Viewer viewer, String organizationId, String userId, List<String> roles) {
    List<String> wanted = checkRoles("roles", roles, true);
    return db.tx(
        h -> {
          Access a = access(h, viewer, organizationId, true);
          requireManager(a);
          Optional<List<String>> current =
              Identifiers.looksLikeId(userId)
                  ? store.roles(h, organizationId, userId)
                  : Optional.empty();
          Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
          if (current.isEmpty()) {
            // people join by accepting an invitation; only an instance admin adds them directly
            if (!a.instanceAdmin() || !Identifiers.looksLikeId(userId)) {
              throw noMember();
            }
            if (!store.userExists(h, userId)) {
              throw new UsermanException(ErrorCode.NOT_FOUND, "No such user.");
            }
            store.insertMember(h, organizationId, userId, now);
          } else {
            List<String> before = current.get();
            if (!a.owns() && (before.contains(OWNER) || wanted.contains(OWNER))) {
              throw onlyOwners();
            }
            if (before.contains(OWNER)
                && !wanted.contains(OWNER)
                && store.count(h, organizationId, OWNER) <= 1) {
              throw lastOwner();
            }
          }
          if (!a.owns() && wanted.contains(OWNER)) {
            throw onlyOwners();
          }
          store.setRoles(h, organizationId, userId, wanted);
          audit.record(
              h,
              current.isEmpty()
                  ? AuditType.ORGANIZATION_MEMBER_ADDED
                  : AuditType.ORGANIZATION_MEMBER_UPDATED,
              viewer.actor(),
              userId,
              details(organizationId, "roles", String.join(" ", wanted)));
          return store.member(h, organizationId, userId).orElseThrow();
        });
  }

  private static UsermanException onlyOwners() {
    return new UsermanException(
        ErrorCode.FORBIDDEN, "Only the organization's owners make owners or change them.");
  }

  private static UsermanException lastOwner() {
    return new UsermanException(
        ErrorCode.LAST_OWNER,
        "This is the organization's last owner: make another member owner first.");
  }

  @Override
  public void removeMember(Viewer viewer, String organizationId, String userId) {
    db.tx(
        h -> {
          Access a = access(h, viewer, organizationId, true);
          List<String> roles =
              (Identifiers.looksLikeId(userId)
                      ? store.roles(h, organizationId, userId)
                      : Optional.<List<String>>empty())
                  .orElseThrow(OrganizationService::noMember);
          boolean self = userId.equals(viewer.userId());
          if (!self) {
            requireManager(a);
            if (!a.owns() && roles.contains(OWNER)) {
              throw onlyOwners();
            }
          }
          if (roles.contains(OWNER) && store.count(h, organizationId, OWNER) <= 1) {
            throw lastOwner();
          }
          store.deleteMember(h, organizationId, userId);
          audit.record(
              h,
              AuditType.ORGANIZATION_MEMBER_REMOVED,
              viewer.actor(),
              userId,
              details(organizationId, "roles", String.join(" ", roles)));
          return null;
        });
  }

  @Override
  public Invitation invite(Viewer viewer, String organizationId, String email, List<String> roles) {
    Email address = Email.parse("email", email);
    List<String> wanted = checkRoles("roles", roles, false);
    // each invitation mails a text its sender chose (the organization's name) to any address
    limiter.consume(LimitRule.INVITATION_PER_USER, viewer.userId(), viewer.actor(), null);
    limiter.consume(LimitRule.INVITATION_PER_EMAIL, address.normalized(), viewer.actor(), null);
    String token = secrets.newToken();
    Invitation invitation =
        db.tx(
            h -> {
              Access a = access(h, viewer, organizationId, true);
              requireManager(a);
              if (!a.owns() && wanted.contains(OWNER)) {
                throw onlyOwners();
              }
              if (store.memberWithEmail(h, organizationId, address.normalized())) {
                throw new UsermanException(
                    ErrorCode.ALREADY_MEMBER, "A member of the organization has this address.");
              }
              Organization org = store.find(h, organizationId).orElseThrow();
              Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
              Invitation i =
                  new Invitation(
                      ids.next(),
                      organizationId,
                      address.value(),
                      wanted,
                      viewer.userId(),
                      now,
                      now.plus(INVITATION_TTL));
              store.insertInvitation(h, i, address.normalized(), Secrets.hash(token), now);
              mail.enqueue(
                  h,
                  templates.organizationInvitation(
                      address.value(), org.name(), token, INVITATION_TTL));
              audit.record(
                  h,
                  AuditType.ORGANIZATION_INVITATION_SENT,
                  viewer.actor(),
                  null,
                  details(
                      organizationId,
                      "invitation_id",
                      i.id(),
                      "email",
                      address.value(),
                      "roles",
                      String.join(" ", wanted)));
              return i;
            });
    mail.nudge();
    return invitation;
  }

  @Override
  public Page<Invitation> invitations(
      Viewer viewer, String organizationId, int limit, String afterId) {
    return db.read(
        h -> {
          requireManager(access(h, viewer, organizationId, false));
          return Page.of(
              store.invitations(h, organizationId, clock.instant(), afterId, limit + 1),
              limit,
              Invitation::id);
        });
  }

  @Override
  public void revokeInvitation(Viewer viewer, String organizationId, String invitationId) {
    db.tx(
        h -> {
          requireManager(access(h, viewer, organizationId, true));
          if (!Identifiers.looksLikeId(invitationId)
              || !store.deleteInvitation(h, organizationId, invitationId)) {
            throw new UsermanException(ErrorCode.NOT_FOUND, "No such invitation.");
          }
          audit.record(
              h,
              AuditType.ORGANIZATION_INVITATION_REVOKED,
              viewer.actor(),
              null,
              details(organizationId, "invitation_id", invitationId));
          return null;
        });
  }

  @Override
  public Optional<Pending> pending(String token) {
    if (token == null || token.isEmpty() || token.length() > 200) {
      return Optional.empty();
    }
    return db.read(
        h ->
            store
                .invitationByToken(h, Secrets.hash(token), clock.instant())
                .map(Map.Entry::getKey)
                .flatMap(
                    i -> store.find(h, i.organizationId()).map(o -> new Pending(i, o.name()))));
  }

  @Override
  public Membership accept(String token, Actor actor) {
    if (token == null || token.isEmpty() || token.length() > 200) {
      throw invalidInvitation();
    }
    String hash = Secrets.hash(token);
    return db.tx(
        h -> {
          Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
          Map.Entry<Invitation, String> found =
              store
                  .invitationByToken(h, hash, now)
                  .orElseThrow(OrganizationService::invalidInvitation);
          Invitation i = found.getKey();
          if (!store.lock(h, i.organizationId())) {
            throw invalidInvitation();
          }
          Map.Entry<String, Boolean> email =
              store
                  .verifiedEmail(h, actor.userId())
                  .orElseThrow(OrganizationService::invalidInvitation);
          if (!email.getValue() || !email.getKey().equals(found.getValue())) {
            throw new UsermanException(
                ErrorCode.INVITATION_MISMATCH,
                "This invitation is for another email address: sign in with the account of the"
                    + " invited address, once it is verified.");
          }
          // spent by the first acceptance: a second one finds no row
          if (!store.deleteInvitation(h, i.organizationId(), i.id())) {
            throw invalidInvitation();
          }
          Optional<List<String>> current = store.roles(h, i.organizationId(), actor.userId());
          TreeSet<String> roles = new TreeSet<>(i.roles());
          if (current.isPresent()) {
            roles.addAll(current.get());
          } else {
            store.insertMember(h, i.organizationId(), actor.userId(), now);
          }
          List<String> merged = List.copyOf(roles);
          store.setRoles(h, i.organizationId(), actor.userId(), merged);
          audit.record(
              h,
              AuditType.ORGANIZATION_INVITATION_ACCEPTED,
              actor,
              actor.userId(),
              details(
                  i.organizationId(), "invitation_id", i.id(), "roles", String.join(" ", merged)));
          Organization org = store.find(h, i.organizationId()).orElseThrow();
          Member m = store.member(h, i.organizationId(), actor.userId()).orElseThrow();
          return new Membership(org, m.roles(), m.joinedAt());
        });
  }

  private static UsermanException invalidInvitation() {
    return new UsermanException(
        ErrorCode.INVALID_TOKEN, "The invitation is unknown, used, revoked or expired.");
  }

  @Override
  public Optional<List<String>> rolesOf(String organizationId, String userId) {
    if (!Identifiers.looksLikeId(organizationId) || userId == null) {
      return Optional.empty();
    }
    return db.read(h -> store.roles(h, organizationId, userId));
  }

  @Override
  public boolean seesProfile(String viewerId, String userId) {
    return viewerId.equals(userId)
        || !Identifiers.looksLikeId(userId)
        || db.read(h -> store.seesProfile(h, viewerId, userId));
  }

  /**
   * For the features that make things an organization owns (service accounts): whether it exists,
   * locked against its deletion until the caller's transaction ends.
   */
  public boolean exists(Handle h, String organizationId) {
    return Identifiers.looksLikeId(organizationId) && store.existsLocked(h, organizationId);
  }

  /** For sessions: the user's roles in the organization, read in the caller's transaction. */
  @Override
  public Optional<List<String>> roles(Handle h, String organizationId, String userId) {
    if (!Identifiers.looksLikeId(organizationId)) {
      return Optional.empty();
    }
    return store.roles(h, organizationId, userId);
  }
}
