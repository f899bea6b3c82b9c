package org.userman.server.web;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.userman.auth.Principal;
import org.userman.common.ErrorCode;
import org.userman.common.Page;
import org.userman.common.UsermanException;
import org.userman.organization.Member;
import org.userman.organization.Organization;
import org.userman.organization.Organizations;
import org.userman.organization.Viewer;

/**
 * Organizations for people: creating one from the account page, an organization's page (its
 * members, and for its owners and admins their roles, removing them, and invitations), and the page
 * where a signed-in invitee accepts a mailed invitation. Failures show as a message page with the
 * API's status, as every page's do.
 */
public final class OrganizationPages {
  /** The most members and invitations an organization's page lists. */
  private static final int PAGE_SIZE = 200;

  private final WebPages web;
  private final Organizations organizations;

  /** A member as the page lists one. */
  public record MemberRow(
      String userId, String email, String name, String roles, String joined, boolean self) {}

  /** A pending invitation as the page lists one. */
  public record InvitationRow(String id, String email, String roles, String expires) {}

  public OrganizationPages(WebPages web, Organizations organizations) {
    this.web = web;
    this.organizations = organizations;
  }

  private static Viewer viewer(WebCall c) {
    c.user();
    return new Viewer(c.actor(), c.isAdmin());
  }

  private static List<String> roles(String typed) {
    if (typed == null) {
      return List.of();
    }
    return Arrays.stream(typed.split("[,\\s]+", -1)).filter(r -> !r.isEmpty()).toList();
  }

  public void declare() {
    web.post(
            "/account/organizations",
            c -> {
              c.user(); // a visitor who is not signed in goes to the sign-in page
              Organization o =
                  organizations.create(c.optional("organization_name"), null, c.actor());
              return WebReply.redirect("/account/organizations/" + o.id());
            })
        .get("/account/organizations/{id}", this::page)
        .post(
            "/account/organizations/{id}/members/{userId}/roles",
            c -> {
              organizations.putMember(
                  viewer(c), c.pathParam("id"), c.pathParam("userId"), roles(c.field("roles")));
              return back(c, "member_saved");
            })
        .post(
            "/account/organizations/{id}/members/{userId}/remove",
            c -> {
              Viewer v = viewer(c);
              organizations.removeMember(v, c.pathParam("id"), c.pathParam("userId"));
              return c.pathParam("userId").equals(v.userId())
                  ? WebReply.redirect("/account?notice=organization_left")
                  : back(c, "member_removed");
            })
        .post(
            "/account/organizations/{id}/invitations",
            c -> {
              organizations.invite(
                  viewer(c), c.pathParam("id"), c.optional("email"), roles(c.field("roles")));
              return back(c, "invitation_sent");
            })
        .post(
            "/account/organizations/{id}/invitations/{invitationId}/revoke",
            c -> {
              organizations.revokeInvitation(
                  viewer(c), c.pathParam("id"), c.pathParam("invitationId"));
              return back(c, "invitation_revoked");
            })
        .get(
            "/invitations/accept",
            c -> {
              c.user();
              String token = c.query("token").orElse(null);
              Organizations.Pending pending =
                  organizations
                      .pending(token)
                      .orElseThrow(
                          () ->
                              new UsermanException(
                                  ErrorCode.INVALID_TOKEN,
                                  "The invitation is unknown, used, revoked or expired."));
              Map<String, Object> model = new HashMap<>();
              model.put("organization", pending.organizationName());
              model.put("email", pending.invitation().email());
              model.put("roles", String.join(", ", pending.invitation().roles()));
              model.put("token", token);
              return WebReply.page("invitation", model);
            })
        .post(
            "/invitations/accept",
            c -> {
              c.user();
              var joined = organizations.accept(c.field("token"), c.actor());
              return WebReply.redirect(
                  "/account/organizations/" + joined.organization().id() + "?notice=joined");
            });
  }

  private static WebReply back(WebCall c, String notice) {
    return WebReply.redirect("/account/organizations/" + c.pathParam("id") + "?notice=" + notice);
  }

  private WebReply page(WebCall c) {
    Principal p = c.user();
    Viewer v = new Viewer(c.actor(), c.isAdmin());
    String id = c.pathParam("id");
    Organization org = organizations.get(v, id);
    Page<Member> members = organizations.members(v, id, PAGE_SIZE, null);
    List<String> mine =
        members.items().stream()
            .filter(m -> m.userId().equals(p.userId()))
            .findFirst()
            .map(Member::roles)
            .orElse(List.of());
    boolean manages =
        v.instanceAdmin()
            || mine.contains(Organizations.OWNER)
            || mine.contains(Organizations.ADMIN);
    Map<String, Object> model = new HashMap<>();
    WebPages.notice(c).ifPresent(n -> model.put("notice", n));
    model.put("organization", org);
    model.put("manages", manages);
    model.put("myRoles", String.join(", ", mine));
    model.put("member", !mine.isEmpty());
    model.put(
        "members",
        members.items().stream()
            .map(
                m ->
                    new MemberRow(
                        m.userId(),
                        m.email(),
                        m.name(),
                        String.join(" ", m.roles()),
                        WebPages.when(m.joinedAt()),
                        m.userId().equals(p.userId())))
            .toList());
    model.put(
        "invitations",
        manages
            ? organizations.invitations(v, id, PAGE_SIZE, null).items().stream()
                .map(
                    i ->
                        new InvitationRow(
                            i.id(),
                            i.email(),
                            String.join(" ", i.roles()),
                            WebPages.when(i.expiresAt())))
                .toList()
            : List.of());
    return WebReply.page("organization", model);
  }
}
