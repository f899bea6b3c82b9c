package org.userman.server.http;

import java.util.Set;
import org.userman.common.FieldError;
import org.userman.common.Page;
import org.userman.common.ValidationException;
import org.userman.organization.Invitation;
import org.userman.organization.Member;
import org.userman.organization.Membership;
import org.userman.organization.Organization;
import org.userman.organization.Organizations;
import org.userman.organization.Viewer;

/**
 * Organizations, their members and invitations. Any signed-in user creates one (and owns it); a
 * caller sees only the organizations they belong to, and anything of another answers 404, as if it
 * did not exist; instance admins see and manage every one.
 */
public final class OrganizationRoutes {
  private static final String ORG = "/api/v1/organizations/{id}";
  private final Api api;
  private final Organizations organizations;
  private final Views views;

  public OrganizationRoutes(Api api, Organizations organizations, Views views) {
    this.api = api;
    this.organizations = organizations;
    this.views = views;
  }

  /** The signed-in caller, and whether they are an instance admin (read now, not from a token). */
  private static Viewer viewer(Call c) {
    c.user();
    return new Viewer(c.actor(), c.callerIsAdmin());
  }

  public void declare(ApiRoutes r) {
    r.post(
            "/api/v1/organizations",
            "createOrganization",
            (req, res) -> {
              Call c = api.call(req);
              c.user();
              JsonBody b = c.body(Set.of("name", "slug"));
              String name = b.string("name");
              String slug = b.string("slug");
              b.done();
              api.json(res, 201, views.organization(organizations.create(name, slug, c.actor())));
            })
        .get(
            "/api/v1/organizations",
            "listOrganizations",
            (req, res) -> {
              Call c = api.call(req);
              Viewer v = viewer(c);
              Page<Organization> page = organizations.list(v, Paging.limit(c), Paging.cursor(c));
              api.ok(res, views.page(page.items(), views::organization, page.nextAfterId()));
            })
        .get(
            "/api/v1/me/organizations",
            "listMyOrganizations",
            (req, res) -> {
              Call c = api.call(req);
              String userId = c.user().userId();
              Page<Membership> page = organizations.of(userId, Paging.limit(c), Paging.cursor(c));
              api.ok(res, views.page(page.items(), views::membership, page.nextAfterId()));
            })
        .get(
            ORG,
            "getOrganization",
            (req, res) -> {
              Call c = api.call(req);
              api.ok(res, views.organization(organizations.get(viewer(c), c.pathParam("id"))));
            })
        .patch(
            ORG,
            "updateOrganization",
            (req, res) -> {
              Call c = api.call(req);
              Viewer v = viewer(c);
              JsonBody b = c.body(Set.of("name", "slug"));
              String name = b.string("name");
              String slug = b.string("slug");
              b.done();
              api.ok(
                  res, views.organization(organizations.update(v, c.pathParam("id"), name, slug)));
            })
        .delete(
            ORG,
            "deleteOrganization",
            (req, res) -> {
              Call c = api.call(req);
              organizations.delete(viewer(c), c.pathParam("id"));
              api.noContent(res);
            })
        .get(
            ORG + "/members",
            "listOrganizationMembers",
            (req, res) -> {
              Call c = api.call(req);
              Viewer v = viewer(c);
              Page<Member> page =
                  organizations.members(v, c.pathParam("id"), Paging.limit(c), Paging.cursor(c));
              api.ok(res, views.page(page.items(), views::member, page.nextAfterId()));
            })
        .get(
            ORG + "/members/{user_id}",
            "getOrganizationMember",
            (req, res) -> {
              Call c = api.call(req);
              api.ok(
                  res,
                  views.member(
                      organizations.member(viewer(c), c.pathParam("id"), c.pathParam("user_id"))));
            })
        .put(
            ORG + "/members/{user_id}",
            "putOrganizationMember",
            (req, res) -> {
              Call c = api.call(req);
              Viewer v = viewer(c);
              JsonBody b = c.body(Set.of("roles"));
              var roles = b.strings("roles");
              b.done();
              api.ok(
                  res,
                  views.member(
                      organizations.putMember(
                          v, c.pathParam("id"), c.pathParam("user_id"), roles)));
            })
        .delete(
            ORG + "/members/{user_id}",
            "removeOrganizationMember",
            (req, res) -> {
              Call c = api.call(req);
              organizations.removeMember(viewer(c), c.pathParam("id"), c.pathParam("user_id"));
              api.noContent(res);
            })
        .post(
            ORG + "/invitations",
            "createInvitation",
            (req, res) -> {
              Call c = api.call(req);
              Viewer v = viewer(c);
              JsonBody b = c.body(Set.of("email", "roles"));
              String email = b.string("email");
              var roles = b.strings("roles");
              b.done();
              api.json(
                  res,
                  201,
                  views.invitation(organizations.invite(v, c.pathParam("id"), email, roles)));
            })
        .get(
            ORG + "/invitations",
            "listInvitations",
            (req, res) -> {
              Call c = api.call(req);
              Viewer v = viewer(c);
              Page<Invitation> page =
                  organizations.invitations(
                      v, c.pathParam("id"), Paging.limit(c), Paging.cursor(c));
              api.ok(res, views.page(page.items(), views::invitation, page.nextAfterId()));
            })
        .delete(
            ORG + "/invitations/{invitation_id}",
            "revokeInvitation",
            (req, res) -> {
              Call c = api.call(req);
              organizations.revokeInvitation(
                  viewer(c), c.pathParam("id"), c.pathParam("invitation_id"));
              api.noContent(res);
            })
        .post(
            "/api/v1/invitations/accept",
            "acceptInvitation",
            (req, res) -> {
              Call c = api.call(req);
              c.user();
              JsonBody b = c.body(Set.of("token"));
              String token = b.string("token");
              b.done();
              if (token == null) {
                throw new ValidationException(FieldError.required("token"));
              }
              api.ok(res, views.membership(organizations.accept(token, c.actor())));
            });
  }
}
