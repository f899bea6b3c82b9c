package org.userman.store.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.userman.store.DatabaseSettings;

/**
 * A TCP relay between a test's connection pool and its database server that counts round trips in
 * what the JDBC driver really sends, whatever the code above it does: statements, begins and
 * commits, batches sent at once, the pool's validations. It reads the client's messages: on
 * PostgreSQL a round trip is a Sync (the end of an extended-protocol request, however many
 * statements it carries) or a simple Query, except the BEGIN that the driver sends ahead of a
 * transaction's first statement without waiting for its answer; on MariaDB it is a command packet.
 * Each is kept with the printable start of its request, for a failure's message.
 */
public final class RoundTripProxy implements AutoCloseable {
  private static final Pattern URL = Pattern.compile("(jdbc:[a-z]+://)([^/:?]+)(?::(\\d+))?(.*)");

  private final ServerSocket listener;
  private final boolean postgresql;
  private final String host;
  private final int port;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<String> turns = new CopyOnWriteArrayList<>();
  private volatile boolean counting;

  private RoundTripProxy(boolean postgresql, String host, int port) throws IOException {
    this.postgresql = postgresql;
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
    boolean postgresql = m.group(1).startsWith("jdbc:postgresql");
    int port = m.group(3) != null ? Integer.parseInt(m.group(3)) : postgresql ? 5432 : 3306;
    try {
      return new RoundTripProxy(postgresql, m.group(2), port);
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

  /** The round trips {@code work} makes, on all connections through the relay. */
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
        Requests requests = new Requests(postgresql);
        Thread.ofPlatform().daemon().start(() -> relay(client, server, requests));
        Thread.ofPlatform().daemon().start(() -> relay(server, client, null));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Relays {@code from} to {@code to}; {@code requests} reads what a client sends. */
  private void relay(Socket from, Socket to, Requests requests) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (requests != null) {
          requests.read(buf, n);
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

  /** One connection's client messages, as they arrive in pieces. */
  private final class Requests {
    private final boolean postgresql;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** PostgreSQL: messages without a type byte still to come (the start-up, an SSL request). */
    private int untyped = 1;

    /** The printable start of the request being sent, up to its end (a Sync). */
    private final StringBuilder request = new StringBuilder();

    Requests(boolean postgresql) {
      this.postgresql = postgresql;
    }

    void read(byte[] buf, int n) {
      pending.write(buf, 0, n);
      byte[] all = pending.toByteArray();
      int at = 0;
      while (true) {
        int used = postgresql ? postgresMessage(all, at) : mariadbPacket(all, at);
        if (used == 0) {
          break;
        }
        at += used;
      }
      pending.reset();
      pending.write(all, at, all.length - at);
    }

    /** Takes one whole message at {@code at}; how many bytes it took (0: not all here yet). */
    private int postgresMessage(byte[] b, int at) {
      if (untyped > 0) {
        if (b.length - at < 8) {
          return 0;
        }
        int length = ByteBuffer.wrap(b, at, 4).getInt();
        int code = ByteBuffer.wrap(b, at + 4, 4).getInt();
        if (b.length - at < length) {
          return 0;
        }
        // an SSL or GSS encryption request is followed by the start-up message
        untyped += (code == 80877103 || code == 80877104) ? 0 : -1;
        return length;
      }
      if (b.length - at < 5) {
        return 0;
      }
      char type = (char) b[at];
      int length = ByteBuffer.wrap(b, at + 1, 4).getInt();
      if (b.length - at < 1 + length) {
        return 0;
      }
      String text = printable(b, at + 5, length - 4);
      switch (type) {
        case 'Q' -> {
          if (!text.equalsIgnoreCase("BEGIN")) {
            count("Q " + text);
          }
        }
        case 'P' -> note("P " + text);
        case 'S' -> count(request.toString());
        default -> note(String.valueOf(type));
      }
      return 1 + length;
    }

    /** MariaDB: a command is a packet with sequence number 0 from the client. */
    private int mariadbPacket(byte[] b, int at) {
      if (b.length - at < 4) {
        return 0;
      }
      int length = (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16;
      if (b.length - at < 4 + length) {
        return 0;
      }
      if (b[at + 3] == 0) {
        count(printable(b, at + 4, length));
      }
      return 4 + length;
    }

    private void note(String part) {
      if (request.length() < 400) {
        request.append(request.isEmpty() ? "" : " | ").append(part);
      }
    }

    private void count(String what) {
      if (counting) {
        turns.add(what);
      }
      request.setLength(0);
    }
  }

  private static String printable(byte[] buf, int from, int n) {
    StringBuilder s = new StringBuilder();
    String text = new String(buf, from, Math.min(n, 300), StandardCharsets.ISO_8859_1);
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
