package org.userman.server.http;

import java.time.Instant;
import java.util.Set;
import org.userman.apikey.ApiKeys;
import org.userman.apikey.CreatedApiKey;

/** The caller's personal API keys. Only a signed-in session makes or revokes them. */
public final class ApiKeyRoutes {
  private final Api api;
  private final ApiKeys apiKeys;
  private final Views views;

  public ApiKeyRoutes(Api api, ApiKeys apiKeys, Views views) {
    this.api = api;
    this.apiKeys = apiKeys;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.get(
            "/api/v1/me/api-keys",
            "listApiKeys",
            (req, res) ->
                api.ok(
                    res, views.items(apiKeys.list(api.call(req).user().userId()), views::apiKey)))
        .post(
            "/api/v1/me/api-keys",
            "createApiKey",
            (req, res) -> {
              Call c = api.call(req);
              String userId = c.recentSessionUser().userId();
              JsonBody b = c.body(Set.of("name", "expires_at"));
              String name = b.string("name");
              Instant expiresAt = b.instant("expires_at");
              b.done();
              CreatedApiKey created = apiKeys.create(userId, name, expiresAt, c.actor());
              api.json(res, 201, views.apiKey(created.apiKey()).put("key", created.key()));
            })
        .delete(
            "/api/v1/me/api-keys",
            "revokeAllApiKeys",
            (req, res) -> {
              Call c = api.call(req);
              apiKeys.deleteAll(c.sessionUser().userId(), c.actor());
              api.noContent(res);
            })
        .delete(
            "/api/v1/me/api-keys/{id}",
            "revokeApiKey",
            (req, res) -> {
              Call c = api.call(req);
              apiKeys.delete(c.sessionUser().userId(), c.pathParam("id"), c.actor());
              api.noContent(res);
            });
  }
}
