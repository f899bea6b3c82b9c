package org.userman.server.http;

import java.util.Set;
import org.userman.common.Page;
import org.userman.role.Role;
import org.userman.role.Roles;

/**
 * Roles for admins: list, create and delete them. Deleting one that users hold is refused unless
 * forced ({@code ?force=true}), which takes it from them in the same transaction.
 */
public final class RoleRoutes {
  private static final Set<String> FIELDS = Set.of("name", "description");
  private final Api api;
  private final Roles roles;
  private final Views views;

  public RoleRoutes(Api api, Roles roles, Views views) {
    this.api = api;
    this.roles = roles;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.get(
            "/api/v1/roles",
            "listRoles",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              Page<Role> page =
                  roles.list(
                      Paging.limit(c),
                      Paging.cursor(c, name -> Roles.check("cursor", name).isEmpty()));
              api.ok(res, views.page(page.items(), views::role, page.nextAfterId()));
            })
        .post(
            "/api/v1/roles",
            "createRole",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              JsonBody b = c.body(FIELDS);
              String name = b.string("name");
              String description = b.string("description");
              b.done();
              api.json(res, 201, views.role(roles.create(name, description, c.actor())));
            })
        .get(
            "/api/v1/roles/{name}",
            "getRole",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              api.ok(res, views.role(roles.get(c.pathParam("name"))));
            })
        .delete(
            "/api/v1/roles/{name}",
            "deleteRole",
            (req, res) -> {
              Call c = api.call(req);
              c.admin();
              boolean force = TransferRoutes.flag(c, "force");
              roles.delete(c.pathParam("name"), force, c.actor());
              api.noContent(res);
            });
  }
}
