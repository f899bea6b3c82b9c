package org.userman.webhook;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver in the test JVM: it records every request, answers with the statuses queued
 * for it (200 once they run out), and checks signatures the way the Standard Webhooks reference
 * libraries do, written here apart from the code under test.
 */
final class Receiver implements AutoCloseable {
  record Request(String id, String timestamp, String signature, String body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Integer> answers = new ConcurrentLinkedDeque<>();
  private volatile long delayMillis;
  private volatile int otherwise = 200;

  Receiver() {
    try {
      server =
          HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/hook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          var h = exchange.getRequestHeaders();
          requests.add(
              new Request(
                  h.getFirst("webhook-id"),
                  h.getFirst("webhook-timestamp"),
                  h.getFirst("webhook-signature"),
                  body));
          if (delayMillis > 0) {
            try {
              // a slow receiver, for the sender's timeout
              Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          Integer status = answers.poll();
          byte[] answer = "x".repeat(2000).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status == null ? otherwise : status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort()
        + "/hook";
  }

  void answer(int... statuses) {
    for (int s : statuses) {
      answers.add(s);
    }
  }

  /** The status to answer once the queued ones run out. */
  void otherwise(int status) {
    otherwise = status;
  }

  void delay(long millis) {
    delayMillis = millis;
  }

  List<Request> requests() {
    return new ArrayList<>(requests);
  }

  /** The Standard Webhooks check: any {@code v1} signature of the header matches. */
  static boolean verifies(String secret, Request r) {
    try {
      byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] expected =
          mac.doFinal(
              (r.id() + "." + r.timestamp() + "." + r.body()).getBytes(StandardCharsets.UTF_8));
      for (String part : r.signature().split(" ", -1)) {
        String[] versioned = part.split(",", 2);
        if (versioned.length == 2
            && versioned[0].equals("v1")
            && MessageDigest.isEqual(Base64.getDecoder().decode(versioned[1]), expected)) {
          return true;
        }
      }
      return false;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
