package org.userman.server.http;

import java.time.Duration;
import java.util.Map;
import org.userman.ErrorCode;
import org.userman.UsermanException;
import org.userman.session.SigningKeys;
import org.userman.store.Database;

/** Health checks, the JWK set and the OpenAPI document. */
public final class SystemRoutes {
  private final Database database;
  private final SigningKeys keys;
  private final byte[] openApi;
  private final Duration readyTimeout;

  public SystemRoutes(Database database, SigningKeys keys, byte[] openApi, Duration readyTimeout) {
    this.database = database;
    this.keys = keys;
    this.openApi = openApi.clone();
    this.readyTimeout = readyTimeout;
  }

  public void declare(RouteTable t) {
    t.get("/health/live", c -> Reply.ok(Map.of("status", "up")))
        .get("/health/ready", c -> {
          if (!database.isReady(readyTimeout)) {
            throw new UsermanException(ErrorCode.UNAVAILABLE, "The database does not answer.");
          }
          return Reply.ok(Map.of("status", "up"));
        })
        .get("/.well-known/jwks.json", c -> new Reply(200, keys.jwks(), "application/jwk-set+json", Map.of("Cache-Control", "public, max-age=300")))
        .get("/api/v1/openapi.json", c -> new Reply(200, openApi, Reply.JSON, Map.of()));
  }
}
