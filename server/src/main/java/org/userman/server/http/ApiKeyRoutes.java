package org.userman.server.http;

import java.util.Set;
import org.userman.apikey.ApiKeys;
import org.userman.apikey.CreatedApiKey;

/** The caller's personal API keys. */
public final class ApiKeyRoutes {
  private final ApiKeys apiKeys;
  private final Views views;

  public ApiKeyRoutes(ApiKeys apiKeys, Views views) {
    this.apiKeys = apiKeys;
    this.views = views;
  }

  public void declare(RouteTable t) {
    t.get("/api/v1/me/api-keys", c -> Reply.ok(views.items(apiKeys.list(c.user().userId()), views::apiKey)))
        .post("/api/v1/me/api-keys", this::create)
        .delete("/api/v1/me/api-keys", c -> {
          apiKeys.deleteAll(c.sessionUser().userId(), c.actor());
          return Reply.noContent();
        })
        .delete("/api/v1/me/api-keys/{id}", c -> {
          apiKeys.delete(c.sessionUser().userId(), c.pathParam("id"), c.actor());
          return Reply.noContent();
        });
  }

  private Reply create(Call c) {
    String userId = c.sessionUser().userId();
    JsonBody b = c.body(Set.of("name", "expires_at"));
    String name = b.string("name");
    var expiresAt = b.instant("expires_at");
    b.done();
    CreatedApiKey created = apiKeys.create(userId, name, expiresAt, c.actor());
    return Reply.json(201, views.apiKey(created.apiKey()).put("key", created.key()));
  }
}
