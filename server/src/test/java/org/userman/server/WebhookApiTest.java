package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.obj;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * The webhook endpoints API against a real receiver in this JVM: admins only, the secret shown
 * once, signed deliveries in the log, redelivery, rotation, deletion, and audit events.
 */
class WebhookApiTest {
  private record Received(String id, String timestamp, String signature, String body) {}

  private HttpServer receiver;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  /** One permit for each request received: the server's own sender delivers, nudged at commit. */
  private final Semaphore arrived = new Semaphore(0);

  @BeforeEach
  void receive() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        x -> {
          var h = x.getRequestHeaders();
          received.add(
              new Received(
                  h.getFirst("webhook-id"),
                  h.getFirst("webhook-timestamp"),
                  h.getFirst("webhook-signature"),
                  new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          x.sendResponseHeaders(204, -1);
          x.close();
          arrived.release();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
  }

  private String url() {
    return "http://"
        + receiver.getAddress().getAddress().getHostAddress()
        + ":"
        + receiver.getAddress().getPort()
        + "/hook";
  }

  @Test
  void admins_register_endpoints_that_receive_signed_events() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true")) {
      String admin = s.adminToken("root@example.org");
      Resp created =
          s.call(
              "POST",
              "/api/v1/webhooks",
              obj("url", url(), "events", List.of("user.created"), "description", "CRM sync"),
              admin);
      assertThat(created.status()).isEqualTo(201);
      assertThat(created.header("Cache-Control")).isEqualTo("no-store");
      String secret = created.text("secret");
      String id = created.text("id");
      assertThat(secret).startsWith("whsec_");
      assertThat(created.json().path("events").get(0).asText()).isEqualTo("user.created");

      Resp list = s.get("/api/v1/webhooks", admin);
      assertThat(list.json().path("items")).hasSize(1);
      assertThat(list.raw()).doesNotContain(secret.substring(6));

      String ada = s.register("ada@example.org").path("id").asText();
      awaitRequests(s, 1);
      Received r = received.getFirst();
      assertThat(verifies(secret, r)).isTrue();
      assertThat(r.body()).contains("\"user_id\":\"" + ada + "\"");

      JsonNode delivery =
          s.get("/api/v1/webhooks/" + id + "/deliveries", admin).json().path("items").get(0);
      assertThat(delivery.path("event_id").asText()).isEqualTo(r.id());
      assertThat(delivery.path("event_type").asText()).isEqualTo("user.created");
      assertThat(delivery.path("status").asText()).isEqualTo("delivered");
      assertThat(delivery.path("response_status").asInt()).isEqualTo(204);
      assertThat(delivery.path("attempts").asInt()).isOne();

      Resp again =
          s.call(
              "POST",
              "/api/v1/webhooks/" + id + "/deliveries/" + r.id() + "/redeliver",
              null,
              admin);
      assertThat(again.status()).isEqualTo(202);
      assertThat(again.text("status")).isEqualTo("pending");
      awaitRequests(s, 1);
      assertThat(received).hasSize(2);
      assertThat(received.get(1).id()).isEqualTo(r.id());

      Resp rotated =
          s.call(
              "POST",
              "/api/v1/webhooks/" + id + "/rotate-secret",
              obj("overlap_seconds", 0),
              admin);
      assertThat(rotated.status()).isEqualTo(200);
      String next = rotated.text("secret");
      assertThat(next).startsWith("whsec_").isNotEqualTo(secret);
      s.register("bob@example.org");
      awaitRequests(s, 1);
      assertThat(verifies(next, received.getLast())).isTrue();
      assertThat(verifies(secret, received.getLast())).isFalse();

      Resp patched = s.call("PATCH", "/api/v1/webhooks/" + id, obj("enabled", false), admin);
      assertThat(patched.status()).isEqualTo(200);
      assertThat(patched.json().path("enabled").asBoolean()).isFalse();
      assertThat(s.call("DELETE", "/api/v1/webhooks/" + id, null, admin).status()).isEqualTo(204);
      assertThat(s.get("/api/v1/webhooks/" + id, admin).status()).isEqualTo(404);

      List<String> audited =
          s.get("/api/v1/audit-events?limit=200", admin)
              .json()
              .path("items")
              .findValuesAsText("type");
      assertThat(audited)
          .contains(
              "webhook_created",
              "webhook_redelivered",
              "webhook_secret_rotated",
              "webhook_updated",
              "webhook_deleted");
      assertThat(s.get("/api/v1/audit-events?limit=200", admin).raw())
          .doesNotContain(secret.substring(6))
          .doesNotContain(next.substring(6));
    }
  }

  @Test
  void only_admins_manage_webhooks_and_private_targets_are_refused_by_default() {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open")) {
      String admin = s.adminToken("root@example.org");
      s.register("ada@example.org");
      String user = s.accessToken("ada@example.org");
      assertThat(s.get("/api/v1/webhooks", null).status()).isEqualTo(401);
      assertThat(s.get("/api/v1/webhooks", user).status()).isEqualTo(403);
      assertThat(
              s.call("POST", "/api/v1/webhooks", obj("url", "https://example.org/hook"), user)
                  .status())
          .isEqualTo(403);

      Resp loopback = s.call("POST", "/api/v1/webhooks", obj("url", url()), admin);
      assertThat(loopback.status()).isEqualTo(400);
      assertThat(loopback.code()).isEqualTo("validation_failed");
      Resp metadata =
          s.call(
              "POST",
              "/api/v1/webhooks",
              obj("url", "http://169.254.169.254/latest/meta-data/"),
              admin);
      assertThat(metadata.status()).isEqualTo(400);
      Resp unknown =
          s.call(
              "POST",
              "/api/v1/webhooks",
              obj("url", "https://example.org/hook", "events", List.of("user.exploded")),
              admin);
      assertThat(unknown.status()).isEqualTo(400);
      assertThat(s.get("/api/v1/webhooks/nonexistent", admin).status()).isEqualTo(404);
    }
  }

  private void awaitRequests(TestServer s, int n) throws InterruptedException {
    assertThat(arrived.tryAcquire(n, 30, TimeUnit.SECONDS)).as("%d more requests", n).isTrue();
    // rounds run one at a time on a node: this one starts once the round that delivered has
    // written its outcome, and finds nothing left to do
    assertThat(s.userman().webhooks().deliverDue()).isZero();
  }

  /** The Standard Webhooks check, written apart from the code under test. */
  private static boolean verifies(String secret, Received r) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256"));
    byte[] expected =
        mac.doFinal(
            (r.id() + "." + r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8));
    for (String part : r.signature().split(" ", -1)) {
      if (part.startsWith("v1,")
          && MessageDigest.isEqual(Base64.getDecoder().decode(part.substring(3)), expected)) {
        return true;
      }
    }
    return false;
  }
}
