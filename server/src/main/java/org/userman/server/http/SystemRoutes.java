package org.userman.server.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.session.SigningKeys;
import org.userman.store.Storage;

/** Health checks, the JWK set and the OpenAPI document. */
public final class SystemRoutes {
  /** {@code {"status":"up"}}, written once: load balancers ask for it many times a second. */
  private static final byte[] UP = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);
  private final Storage database;
  private final SigningKeys keys;
  private final byte[] openApi;
  private final Duration readyTimeout;

  public SystemRoutes(Storage database, SigningKeys keys, byte[] openApi, Duration readyTimeout) {
    this.database = database;
    this.keys = keys;
    this.openApi = openApi.clone();
    this.readyTimeout = readyTimeout;
  }

  private static Reply up() {
    return new Reply(200, UP, Reply.JSON, Map.of());
  }

  public void declare(RouteTable t) {
    t.get("/health/live", c -> up())
        .get("/health/ready", c -> {
          if (!database.isReady(readyTimeout)) {
            throw new UsermanException(ErrorCode.UNAVAILABLE, "The database does not answer.");
          }
          return up();
        })
        .get("/.well-known/jwks.json", c -> new Reply(200, keys.jwks(), "application/jwk-set+json", Map.of("Cache-Control", "public, max-age=300")))
        .get("/api/v1/openapi.json", c -> new Reply(200, openApi, Reply.JSON, Map.of()));
  }
}
