package org.userman.client;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Userman's side as a verifier sees it: a JWK set at {@code /.well-known/jwks.json} and an RFC 7662
 * introspection endpoint at {@code /oauth2/introspect}, on an ephemeral port, with counts of the
 * requests each received. Tokens are signed with keys made here.
 */
public final class FakeIssuer implements AutoCloseable {
  public static final String CLIENT_ID = "orders-service";
  public static final String CLIENT_SECRET = "s3cret:with/odd&chars";

  private final HttpServer server;
  private final List<JWK> published = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, Object>> introspection = new ConcurrentHashMap<>();
  public final AtomicInteger jwksFetches = new AtomicInteger();
  public final AtomicInteger introspections = new AtomicInteger();
  public final List<String> introspectedBodies = new CopyOnWriteArrayList<>();
  public volatile boolean jwksDown;
  public final MovableClock clock = new MovableClock(Instant.parse("2026-03-01T10:00:00Z"));

  public FakeIssuer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/.well-known/jwks.json", this::jwks);
    server.createContext("/oauth2/introspect", this::introspect);
    server.start();
  }

  public String issuer() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public URI uri(String path) {
    return URI.create(issuer() + path);
  }

  public static ECKey newKey(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Publishes the key's public half. */
  public <K extends JWK> K publish(K key) {
    published.add(key.toPublicJWK());
    return key;
  }

  public void unpublish(String kid) {
    published.removeIf(k -> k.getKeyID().equals(kid));
  }

  /** An introspection answer for this token (RFC 7662); tokens not set here are inactive. */
  public void introspects(String token, Map<String, Object> answer) {
    introspection.put(token, answer);
  }

  /** A Userman-like access token for user u1 in session s1, valid 15 minutes from now. */
  public String token(ECKey key) {
    return token(key, c -> {});
  }

  public String token(ECKey key, Consumer<JWTClaimsSet.Builder> changes) {
    Instant now = clock.instant();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer())
            .subject("u1")
            .claim("sid", "s1")
            .claim("roles", List.of("user", "admin"))
            .claim("amr", List.of("pwd"))
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(Duration.ofMinutes(15))));
    changes.accept(claims);
    return sign(key, JWSAlgorithm.ES256, claims.build());
  }

  public static String sign(ECKey key, JWSAlgorithm alg, JWTClaimsSet claims) {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
            claims);
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** A verifier of this issuer's tokens on its clock, with the defaults otherwise. */
  public TokenVerifier.Builder verifier() {
    return TokenVerifier.builder(issuer()).clock(clock);
  }

  public Introspector.Builder introspector() {
    return Introspector.builder(issuer(), CLIENT_ID, CLIENT_SECRET).clock(clock);
  }

  private void jwks(HttpExchange exchange) throws IOException {
    jwksFetches.incrementAndGet();
    if (jwksDown) {
      respond(exchange, 503, "{}");
      return;
    }
    respond(exchange, 200, new JWKSet(new ArrayList<>(published)).toString(true));
  }

  private void introspect(HttpExchange exchange) throws IOException {
    introspections.incrementAndGet();
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    introspectedBodies.add(body);
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (form(CLIENT_ID) + ":" + form(CLIENT_SECRET)).getBytes(StandardCharsets.UTF_8));
    if (!"POST".equals(exchange.getRequestMethod())
        || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic");
      respond(exchange, 401, "{\"error\":\"invalid_client\"}");
      return;
    }
    String token = null;
    for (String pair : body.split("&", -1)) {
      if (pair.startsWith("token=")) {
        token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
      }
    }
    Map<String, Object> answer = token == null ? null : introspection.get(token);
    respond(
        exchange,
        200,
        answer == null ? "{\"active\":false}" : JSONObjectUtils.toJSONString(answer));
  }

  private static String form(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
