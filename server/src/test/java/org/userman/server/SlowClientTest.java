package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/**
 * Slow and greedy clients cannot hold a node: a request that trickles in is closed at the read
 * deadline, and one address holds only so many connections, while others keep being served. The
 * trickling clients here send a line every 100 ms, each for at most 30 s; the deadline is 1 s.
 */
class SlowClientTest {
  private static final int TRICKLE_MS = 100;
  private static final int TRICKLE_LINES = 300;

  @Test
  void requests_trickling_their_headers_are_closed_at_the_deadline_while_others_are_served()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_HTTP_REQUEST_READ_TIMEOUT=1s")) {
      List<Trickle> trickles = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        trickles.add(
            new Trickle(s, "GET /health/live HTTP/1.1\r\nHost: x\r\n", "X-Slow-%d: y\r\n"));
      }
      for (int i = 0; i < 5; i++) {
        assertThat(s.get("/health/live", null).status()).isEqualTo(200);
      }
      for (Trickle t : trickles) {
        assertThat(t.awaitEnd()).as("the server ends the connection with no answer").isEqualTo("");
        assertThat(t.sent())
            .as("closed while the client was still sending its headers")
            .isLessThan(TRICKLE_LINES);
      }
      assertThat(s.get("/health/live", null).status()).isEqualTo(200);
    }
  }

  @Test
  void a_request_trickling_its_body_is_closed_at_the_deadline() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_HTTP_REQUEST_READ_TIMEOUT=1s")) {
      Trickle t = new Trickle(s, post(1000), "a%d");
      assertThat(t.awaitEnd()).isEqualTo("");
      assertThat(t.sent()).isLessThan(TRICKLE_LINES);
    }
  }

  @Test
  void a_body_trickling_on_after_an_early_answer_is_closed_at_the_deadline() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_HTTP_REQUEST_READ_TIMEOUT=1s")) {
      // refused by its declared length before it is read; the web server would read the rest
      Trickle t = new Trickle(s, post(100_000), "a%d");
      assertThat(t.awaitEnd()).startsWith("HTTP/1.1 413");
      assertThat(t.sent()).isLessThan(TRICKLE_LINES);
    }
  }

  private static String post(int length) {
    return "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: "
        + length
        + "\r\n\r\n{\"email\":\"";
  }

  @Test
  void a_request_whose_body_has_arrived_may_take_longer_than_the_deadline_to_answer() {
    // An import of plaintext passwords hashes each at Userman's real cost: well over a second.
    try (TestServer s =
        TestServer.start(
            "USERMAN_HTTP_REQUEST_READ_TIMEOUT=1s",
            "USERMAN_PASSWORDS_ARGON2_MEMORY_KIB=19456",
            "USERMAN_PASSWORDS_ARGON2_ITERATIONS=2")) {
      String admin = s.adminToken("root@example.org");
      StringBuilder file = new StringBuilder();
      for (int i = 0; i < 150; i++) {
        file.append("{\"email\":\"user")
            .append(i)
            .append("@example.org\",\"password\":\"a long passphrase number ")
            .append(i)
            .append("\"}\n");
      }
      long start = System.nanoTime();
      Resp done =
          s.send(
              "POST",
              "/api/v1/users/import?allow_plaintext=true",
              "application/x-ndjson",
              file.toString(),
              "Authorization",
              "Bearer " + admin);
      assertThat(done.status()).as(done.toString()).isEqualTo(200);
      assertThat(done.json().path("imported").asLong()).isEqualTo(150);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("the answer took longer than the read deadline, so the deadline was put to the test")
          .isGreaterThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void a_prompt_request_on_a_kept_connection_is_served_after_the_deadline_would_have_passed()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_HTTP_REQUEST_READ_TIMEOUT=1s");
        Socket socket = connect(s)) {
      socket.setSoTimeout(20_000);
      for (int i = 0; i < 3; i++) {
        send(socket, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
        Thread.sleep(1_500); // idle between requests, longer than the read deadline
      }
    }
  }

  @Test
  void one_address_holds_at_most_its_share_of_connections() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS=3")) {
      List<Socket> held = new ArrayList<>();
      try {
        holdServed(s, 3, held);
        assertThat(answer(s, 20_000)).as("a fourth connection is closed unanswered").isEmpty();
        held.remove(0).close();
        // The node counts the closed connection out once it has seen the close.
        String served = "";
        for (int tries = 0; tries < 100 && served.isEmpty(); tries++) {
          served = answer(s, 20_000);
          if (served.isEmpty()) {
            Thread.sleep(100);
          }
        }
        assertThat(served).startsWith("HTTP/1.1 200");
      } finally {
        for (Socket h : held) {
          h.close();
        }
      }
    }
  }

  @Test
  void a_trusted_proxys_connections_count_toward_the_total_only() throws Exception {
    try (TestServer s =
        TestServer.start(
            "USERMAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS=2",
            "USERMAN_HTTP_TRUSTED_PROXIES=127.0.0.1,::1")) {
      List<Socket> held = new ArrayList<>();
      try {
        holdServed(s, 4, held);
      } finally {
        for (Socket h : held) {
          h.close();
        }
      }
    }
  }

  @Test
  void the_node_holds_at_most_its_total_of_connections_and_serves_the_next_when_one_ends()
      throws Exception {
    try (TestServer s =
        TestServer.start(
            "USERMAN_HTTP_MAX_CONNECTIONS=3", "USERMAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS=3")) {
      List<Socket> held = new ArrayList<>();
      try {
        holdServed(s, 3, held);
        // A fourth connection waits, unanswered, while three are open ...
        try (Socket fourth = connect(s)) {
          send(fourth, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
          fourth.setSoTimeout(1_000);
          assertThatThrownBy(() -> fourth.getInputStream().read())
              .isInstanceOf(SocketTimeoutException.class);
          // ... and is served once one of them ends.
          held.remove(0).close();
          fourth.setSoTimeout(20_000);
          assertThat(readHead(fourth.getInputStream())).startsWith("HTTP/1.1 200");
        }
      } finally {
        for (Socket h : held) {
          h.close();
        }
      }
    }
  }

  @Test
  void the_limits_are_checked_and_named() {
    assertThatThrownBy(() -> TestServer.start("USERMAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS=0"))
        .hasMessageContaining("http.max_connections_per_address");
    assertThatThrownBy(
            () ->
                TestServer.start(
                    "USERMAN_HTTP_MAX_CONNECTIONS=10",
                    "USERMAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS=11"))
        .hasMessageContaining("http.max_connections_per_address");
    assertThatThrownBy(() -> TestServer.start("USERMAN_HTTP_REQUEST_READ_TIMEOUT=0s"))
        .hasMessageContaining("http.request_read_timeout");
  }

  /** A client that sends a start and then one more piece every 100 ms until the server closes. */
  private static final class Trickle {
    private final Socket socket;
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread writer;
    private int sentAtClose = -1;

    Trickle(TestServer s, String start, String pieceFormat) throws IOException {
      socket = connect(s);
      socket.setSoTimeout(60_000);
      send(socket, start);
      writer =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < TRICKLE_LINES; i++) {
                        Thread.sleep(TRICKLE_MS);
                        send(socket, pieceFormat.formatted(i));
                        sent.incrementAndGet();
                      }
                    } catch (IOException | UncheckedIOException e) {
                      // the server closed the connection: the end this test waits for
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
    }

    /** What the server sent before it closed the connection. */
    String awaitEnd() throws IOException, InterruptedException {
      String got;
      try {
        got = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      } catch (SocketException reset) {
        got = "";
      }
      int atClose = sent.get();
      writer.interrupt();
      writer.join();
      socket.close();
      sentAtClose = atClose;
      return got;
    }

    /** How many pieces the client had sent when the server closed the connection. */
    int sent() {
      return sentAtClose;
    }
  }

  /** Opens {@code n} connections, each answered once and then kept open, into {@code held}. */
  private static void holdServed(TestServer s, int n, List<Socket> held) throws IOException {
    for (int i = 0; i < n; i++) {
      Socket h = connect(s);
      held.add(h);
      h.setSoTimeout(20_000);
      send(h, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(readHead(h.getInputStream())).startsWith("HTTP/1.1 200");
    }
  }

  private static Socket connect(TestServer s) throws IOException {
    return new Socket(InetAddress.getLoopbackAddress(), s.uri("/").getPort());
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** A one-off request on a new connection: the answer's head, or "" when closed unanswered. */
  private static String answer(TestServer s, int timeoutMillis) throws IOException {
    try (Socket socket = connect(s)) {
      socket.setSoTimeout(timeoutMillis);
      send(socket, "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      return readHead(socket.getInputStream());
    } catch (SocketException reset) {
      return "";
    }
  }

  /** The status line and headers of one answer (its body is left unread), or "" at the end. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.toString().endsWith("\r\n\r\n")) {
        break;
      }
    }
    String text = head.toString();
    // Read the short body of /health/live so that the next answer starts clean.
    int length = contentLength(text);
    for (int i = 0; i < length && in.read() != -1; i++) {
      // skip
    }
    return text;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n", -1)) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).strip());
      }
    }
    return 0;
  }
}
