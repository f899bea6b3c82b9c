package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/** Security headers, CORS, trusted proxies and the explicit request limits. */
class HardeningTest {

  @Test
  void every_answer_carries_the_security_headers_and_hsts_only_over_https() {
    try (TestServer s = TestServer.start()) {
      for (Resp r :
          new Resp[] {
            s.get("/health/live", null), s.get("/api/v1/me", null), s.get("/nowhere", null)
          }) {
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Content-Security-Policy"))
            .isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(r.header("Strict-Transport-Security")).isNull();
      }
    }
    try (TestServer s = TestServer.start("USERMAN_PUBLIC_URL=https://accounts.example.org")) {
      assertThat(s.get("/health/live", null).header("Strict-Transport-Security"))
          .startsWith("max-age=");
    }
  }

  @Test
  void cross_origin_access_is_for_listed_origins_only() {
    try (TestServer closed = TestServer.start()) {
      Resp r = closed.send("GET", "/health/live", null, null, "Origin", "https://app.example.org");
      assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
    try (TestServer s =
        TestServer.start(
            "USERMAN_HTTP_CORS_ORIGINS=https://app.example.org, https://admin.example.org")) {
      Resp allowed = s.send("GET", "/health/live", null, null, "Origin", "https://app.example.org");
      assertThat(allowed.header("Access-Control-Allow-Origin"))
          .isEqualTo("https://app.example.org");
      assertThat(allowed.header("Vary")).isEqualTo("Origin");
      assertThat(
              s.send("GET", "/health/live", null, null, "Origin", "https://evil.example.net")
                  .header("Access-Control-Allow-Origin"))
          .isNull();

      Resp preflight =
          s.send(
              "OPTIONS",
              "/api/v1/sessions",
              null,
              null,
              "Origin",
              "https://admin.example.org",
              "Access-Control-Request-Method",
              "POST");
      assertThat(preflight.status()).isEqualTo(204);
      assertThat(preflight.header("Access-Control-Allow-Methods")).contains("POST");
      assertThat(preflight.header("Access-Control-Allow-Headers"))
          .contains("Authorization", "Content-Type");
      Resp refused =
          s.send(
              "OPTIONS",
              "/api/v1/sessions",
              null,
              null,
              "Origin",
              "https://evil.example.net",
              "Access-Control-Request-Method",
              "POST");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.code()).isEqualTo("forbidden");
    }
  }

  @Test
  void forwarded_addresses_count_only_from_trusted_proxies() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      String token = login(s, "198.51.100.7").path("access_token").asText();
      assertThat(s.get("/api/v1/sessions", token).json().path("items").get(0).path("ip").asText())
          .as("an untrusted peer's X-Forwarded-For is ignored")
          .isEqualTo("127.0.0.1");
    }
    try (TestServer s =
        TestServer.start(
            "USERMAN_REGISTRATION=open",
            "USERMAN_HTTP_TRUSTED_PROXIES=127.0.0.0/8, 10.0.0.0/8",
            "USERMAN_LIMITS_LOGIN_PER_IP=2/1m")) {
      s.register("ada@example.org");
      // the client is the rightmost address that is not a trusted proxy; what it claims before that
      // is its own business
      String token = login(s, "203.0.113.9, 198.51.100.7, 10.1.2.3").path("access_token").asText();
      assertThat(s.get("/api/v1/sessions", token).json().path("items").get(0).path("ip").asText())
          .isEqualTo("198.51.100.7");
      assertThat(
              s.post("/api/v1/sessions", obj("email", "ada@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
      // the per-address limit follows the real client: 198.51.100.7 has one left, 192.0.2.1 its own
      // two
      assertThat(loginStatus(s, "198.51.100.7")).isEqualTo(201);
      assertThat(loginStatus(s, "198.51.100.7")).isEqualTo(429);
      assertThat(loginStatus(s, "192.0.2.1")).isEqualTo(201);
    }
  }

  @Test
  void oversized_and_malformed_requests_get_problem_json() {
    try (TestServer s = TestServer.start()) {
      assertProblem(raw(s, "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), 4);
      assertProblem(
          raw(
              s,
              "GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n"),
          4);
      assertProblem(
          raw(s, "GET /health/live HTTP/1.1\r\nHost: x\r\nno colon in this header\r\n\r\n"), 4);

      String deep = "{\"name\":" + "[".repeat(100) + "]".repeat(100) + "}";
      Resp nested = s.send("POST", "/api/v1/users", "application/json", deep);
      assertThat(nested.status()).isEqualTo(400);
      assertThat(nested.code()).isEqualTo("malformed_request");
      Resp big =
          s.send(
              "POST",
              "/api/v1/users",
              "application/json",
              "{\"name\":\"" + "x".repeat(70_000) + "\"}");
      assertThat(big.status()).isEqualTo(413);
      assertThat(big.code()).isEqualTo("payload_too_large");
      Resp longNumber =
          s.send(
              "POST", "/api/v1/users", "application/json", "{\"name\":" + "9".repeat(1000) + "}");
      assertThat(longNumber.status()).isEqualTo(400);
      assertThat(s.get("/health/ready", null).status()).isEqualTo(200);
    }
  }

  @Test
  void an_idle_connection_is_closed_after_the_idle_timeout() throws IOException {
    try (TestServer s = TestServer.start("USERMAN_HTTP_IDLE_TIMEOUT=1s");
        Socket socket =
            new Socket(java.net.InetAddress.getLoopbackAddress(), s.uri("/").getPort())) {
      socket.setSoTimeout(60_000);
      socket
          .getOutputStream()
          .write(
              "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      long start = System.nanoTime();
      // the answer, then the end of the stream once the connection has been idle long enough
      String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      long waited = (System.nanoTime() - start) / 1_000_000;
      assertThat(all).startsWith("HTTP/1.1 200");
      assertThat(waited)
          .as("closed by the server, well before this client's 60 s")
          .isLessThan(30_000);
    }
  }

  private static JsonNode login(TestServer s, String forwardedFor) {
    Resp r =
        s.send(
            "POST",
            "/api/v1/sessions",
            "application/json",
            "{\"email\":\"ada@example.org\",\"password\":\"" + PASSWORD + "\"}",
            "X-Forwarded-For",
            forwardedFor);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json();
  }

  private static int loginStatus(TestServer s, String forwardedFor) {
    return s.send(
            "POST",
            "/api/v1/sessions",
            "application/json",
            "{\"email\":\"ada@example.org\",\"password\":\"" + PASSWORD + "\"}",
            "X-Forwarded-For",
            forwardedFor)
        .status();
  }

  /** Sends bytes as they are and reads the whole answer (the server closes after an error). */
  private static String raw(TestServer s, String request) {
    try (Socket socket =
        new Socket(java.net.InetAddress.getLoopbackAddress(), s.uri("/").getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertProblem(String answer, int statusClass) {
    assertThat(answer).as(answer).matches("(?s)HTTP/1\\.1 " + statusClass + "\\d\\d .*");
    assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
    assertThat(answer)
        .contains("\"code\":\"malformed_request\"")
        .contains("\"status\":" + answer.substring(9, 12));
  }
}
