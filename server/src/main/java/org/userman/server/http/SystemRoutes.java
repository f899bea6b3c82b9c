package org.userman.server.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.session.SigningKeys;
import org.userman.store.Storage;

/** Health checks, the JWK set and the OpenAPI document. */
public final class SystemRoutes {
  /** {@code {"status":"up"}}, written once: load balancers ask for it many times a second. */
  private static final byte[] UP = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);

  private static final Header JWK_SET =
      HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/jwk-set+json");
  private static final Header CACHE_KEYS =
      HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "public, max-age=300");
  private final Api api;
  private final Storage storage;
  private final SigningKeys keys;
  private final byte[] openApi;
  private final Duration readyTimeout;

  public SystemRoutes(
      Api api, Storage storage, SigningKeys keys, byte[] openApi, Duration readyTimeout) {
    this.api = api;
    this.storage = storage;
    this.keys = keys;
    this.openApi = openApi == null ? null : openApi.clone();
    this.readyTimeout = readyTimeout;
  }

  public void declare(ApiRoutes r) {
    r.get("/health/live", "getLiveness", (req, res) -> api.ok(res, UP))
        .get(
            "/health/ready",
            "getReadiness",
            (req, res) -> {
              if (!storage.isReady(readyTimeout)) {
                throw new UsermanException(ErrorCode.UNAVAILABLE, "The database does not answer.");
              }
              api.ok(res, UP);
            })
        .get(
            "/.well-known/jwks.json",
            "getJwks",
            (req, res) -> {
              Object set =
                  keys.jwks(); // before the cache header: a failure here must not be cached
              res.header(CACHE_KEYS);
              api.send(res, 200, JWK_SET, set);
            })
        .get("/api/v1/openapi.json", "getOpenApiDocument", (req, res) -> api.ok(res, openApi));
  }
}
