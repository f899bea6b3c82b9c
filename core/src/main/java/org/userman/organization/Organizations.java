package org.userman.organization;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.userman.common.Actor;
import org.userman.common.FieldError;
import org.userman.common.Page;

/**
 * Organizations, their members and invitations. A user may belong to several organizations, each
 * with organization roles: {@code owner} (everything, and the only one who deletes the organization
 * or makes owners), {@code admin} (manages the members and invitations), {@code member}, and any
 * other name the organization uses for its own services. A caller sees only the organizations they
 * belong to (instance admins see all): anything of another organization is {@code not_found}, and
 * every list is filtered. Memberships are read from the database at each check, so a change takes
 * effect at the next request. Every change is audited.
 */
public interface Organizations {
  String OWNER = "owner";
  String ADMIN = "admin";
  String MEMBER = "member";

  /** The most roles one membership holds. */
  int MAX_ROLES = 16;

  /** The longest name, in characters. */
  int MAX_NAME = 200;

  /** Slugs: lower-case letters, digits and inner hyphens, 1 to 64. */
  Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?");

  /** Whether {@code slug} is a well-formed slug; the failure names {@code field}. */
  static Optional<FieldError> checkSlug(String field, String slug) {
    if (slug == null || !SLUG.matcher(slug).matches()) {
      return Optional.of(
          FieldError.invalidFormat(
              field, "1 to 64 of a-z, 0-9 and '-', starting and ending with a letter or digit"));
    }
    return Optional.empty();
  }

  /**
   * Creates an organization; the creating user becomes its owner. A {@code slug} is made from the
   * name when none is given; {@code slug_taken} when one of the slug exists.
   */
  Organization create(String name, String slug, Actor actor);

  /** The organizations the viewer sees (every one for an instance admin), oldest first. */
  Page<Organization> list(Viewer viewer, int limit, String afterId);

  /** The organizations the user belongs to, with the user's roles there, oldest first. */
  Page<Membership> of(String userId, int limit, String afterOrganizationId);

  /** One organization; {@code not_found} unless the viewer belongs to it or is an admin. */
  Organization get(Viewer viewer, String organizationId);

  /**
   * Renames an organization or changes its slug (null leaves a field as it is): its owners and
   * admins ({@code forbidden} for other members).
   */
  Organization update(Viewer viewer, String organizationId, String name, String slug);

  /** Deletes an organization with its memberships and invitations, never users: its owners. */
  void delete(Viewer viewer, String organizationId);

  /** The members, by user id; any member sees them. */
  Page<Member> members(Viewer viewer, String organizationId, int limit, String afterUserId);

  /** One member; {@code not_found} for a user who is not one. */
  Member member(Viewer viewer, String organizationId, String userId);

  /**
   * Sets a member's roles (owners and admins). Only instance admins add a user who is not a member
   * yet (everyone else invites); only owners grant or take {@code owner} or change an owner; the
   * last owner keeps {@code owner} ({@code last_owner}).
   */
  Member putMember(Viewer viewer, String organizationId, String userId, List<String> roles);

  /**
   * Removes a member (owners and admins; any member removes themselves); the last owner stays
   * ({@code last_owner}).
   */
  void removeMember(Viewer viewer, String organizationId, String userId);

  /**
   * Invites an address (owners and admins; only owners invite owners): a mail with a single-use
   * link goes to it, and replaces an earlier invitation of the address to this organization. {@code
   * already_member} when a member has the address.
   */
  Invitation invite(Viewer viewer, String organizationId, String email, List<String> roles);

  /** The invitations not accepted and not expired, oldest first (owners and admins). */
  Page<Invitation> invitations(Viewer viewer, String organizationId, int limit, String afterId);

  /**
   * Revokes an invitation (owners and admins); {@code not_found} for one of another organization.
   */
  void revokeInvitation(Viewer viewer, String organizationId, String invitationId);

  /**
   * The invitation a mailed token stands for, and its organization, without spending it; for the
   * page that asks the signed-in invitee to accept. Empty when unknown, used or expired.
   */
  Optional<Pending> pending(String token);

  /** A pending invitation and the organization it is to. */
  record Pending(Invitation invitation, String organizationName) {}

  /**
   * Accepts an invitation: the user whose verified email is the invited address becomes a member
   * with its roles (added to the roles of a member already). {@code invalid_token} for an unknown,
   * used or expired token; {@code invitation_mismatch} when the user's verified address is another.
   */
  Membership accept(String token, Actor actor);

  /** The user's roles in the organization; empty when the user is no member of it. */
  Optional<List<String>> rolesOf(String organizationId, String userId);

  /**
   * Whether {@code viewerId} may see {@code userId}'s public profile as far as organizations go: a
   * user in no organization is seen by everyone signed in; a member of one only by the members of
   * an organization they share (and by themselves). Instance admins are the caller's to allow.
   */
  boolean seesProfile(String viewerId, String userId);
}
