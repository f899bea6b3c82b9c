package org.userman.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.userman.store.DatabaseSettings;

/**
 * A TCP relay between a test's connection pool and its database server that counts round trips:
 * each time a connection's client speaks after the server has answered it (or first), that is one.
 * It counts what the JDBC driver really sends, whatever the code above it does: statements, begins
 * and commits, batches sent at once, the pool's validations. Each round trip is kept with the
 * printable start of what the client sent, for a failure's message.
 */
public final class RoundTripProxy implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("(jdbc:[a-z]+://)([^/:?]+)(?::(\\d+))?(.*)");

  private final ServerSocket listener;
  private final String host;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<String> turns = new CopyOnWriteArrayList<>();
  private volatile boolean counting;

  private RoundTripProxy(String host, int port) throws IOException {
    this.host = host;
    this.port = port;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("round-trip-proxy").start(this::accept);
  }

  /** A relay to the server of {@code settings} (PostgreSQL or MariaDB). */
  public static RoundTripProxy to(DatabaseSettings settings) {
    Matcher m = URL.matcher(settings.url());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a server database's URL: " + settings.url());
    }
    int port =
        m.group(3) != null
            ? Integer.parseInt(m.group(3))
            : m.group(1).startsWith("jdbc:postgresql") ? 5432 : 3306;
    try {
      return new RoundTripProxy(m.group(2), port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code settings} with the relay in place of the server. */
  public DatabaseSettings through(DatabaseSettings settings) {
    Matcher m = URL.matcher(settings.url());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a server database's URL: " + settings.url());
    }
    String url = m.group(1) + "127.0.0.1:" + listener.getLocalPort() + m.group(4);
    return new DatabaseSettings(
        url,
        settings.user(),
        settings.password(),
        settings.poolSize(),
        settings.connectTimeout(),
        settings.busyTimeout(),
        settings.migrate(),
        settings.listenForChanges());
  }

  /** Counts the round trips {@code work} makes, on all connections through the relay. */
  public List<String> roundTripsOf(Runnable work) {
    turns.clear();
    counting = true;
    try {
      work.run();
    } finally {
      counting = false;
    }
    return new ArrayList<>(turns);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(host, port));
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(server);
        Link link = new Link();
        Thread.ofPlatform().daemon().start(() -> relay(client, server, link, true));
        Thread.ofPlatform().daemon().start(() -> relay(server, client, link, false));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** One connection's turn: whether the server spoke last. */
  private static final class Link {
    volatile boolean serverSpoke = true;
  }

  private void relay(Socket from, Socket to, Link link, boolean fromClient) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (fromClient) {
          if (link.serverSpoke) {
            link.serverSpoke = false;
            if (counting) {
              turns.add(printable(buf, n));
            }
          }
        } else {
          // Before the answer reaches the client, so that its next words count as a new turn.
          link.serverSpoke = true;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the other side closed
    } finally {
      close(from);
      close(to);
    }
  }

  private static String printable(byte[] buf, int n) {
    StringBuilder s = new StringBuilder();
    String text = new String(buf, 0, Math.min(n, 400), StandardCharsets.ISO_8859_1);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      s.append(c >= 32 && c < 127 ? c : ' ');
    }
    return s.toString().replaceAll(" {2,}", " ").strip();
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    sockets.forEach(RoundTripProxy::close);
  }
}
