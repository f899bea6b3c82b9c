package org.userman.server.node;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.userman.server.config.ServerConfig.ConnectionLimits;
import org.userman.server.config.TrustedProxies;

/**
 * Keeps slow and greedy clients from holding a node, at the connection layer, whether or not a
 * proxy is in front: a request must arrive within the read deadline of its first line, or its
 * connection is closed; and one address may hold only so many connections at once (trusted proxies
 * count toward the total only, which the web server itself caps).
 *
 * <p>Helidon 4.5 has no such deadline: its idle timeout spares a connection once the request line
 * is in, so a client that then sends a header line every few seconds holds the connection for as
 * long as it likes. The guard wraps Helidon's HTTP/1.1 connections: its listeners see the request
 * line, the headers and the answer's status, and a watchdog closes the socket of a request still
 * arriving at its deadline. A request with a body is on the clock until its route has read the body
 * (or, when the route answers without reading it, until Helidon has read the rest); one without
 * stops the clock at its last header.
 */
final class ConnectionGuard implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());
  private static final long NONE = Long.MIN_VALUE;

  private final ConnectionLimits limits;
  private final TrustedProxies proxies;
  private final LongSupplier nanoTicker;
  private final long deadlineNanos;
  private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

  /** The connections open now, by Helidon's ids of the listener's socket and the connection's. */
  private final Map<String, Guarded> open = new ConcurrentHashMap<>();

  private final ScheduledExecutorService watchdog;
  private final ScheduledFuture<?> rounds;

  ConnectionGuard(ConnectionLimits limits, TrustedProxies proxies, LongSupplier nanoTicker) {
    this.limits = limits;
    this.proxies = proxies;
    this.nanoTicker = nanoTicker;
    this.deadlineNanos = limits.requestReadTimeout().toNanos();
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "userman-request-deadline");
              t.setDaemon(true);
              return t;
            });
    // Look often enough that a late request is closed within a quarter of its deadline.
    long period =
        Math.max(
            Duration.ofMillis(10).toNanos(),
            Math.min(Duration.ofSeconds(1).toNanos(), deadlineNanos / 4));
    this.rounds =
        watchdog.scheduleWithFixedDelay(this::closeLate, period, period, TimeUnit.NANOSECONDS);
  }

  /** The cap on connections the web server enforces before it accepts one. */
  int maxConnections() {
    return limits.maxConnections();
  }

  /**
   * Helidon's HTTP/1.1 connections with {@code config}, guarded. Use it as the listener's only
   * connection selector.
   */
  ServerConnectionSelector http1(Http1Config config) {
    // Each list holds our listener alone: Helidon 4.5.0 combines two or more listeners into one
    // that calls none of them (its ListFrameListener delegates nothing), so the packet-logging
    // listeners it adds by default give way.
    Http1Config watched =
        Http1Config.builder()
            .from(config)
            .receiveListeners(List.of(new Arrival()))
            .sendListeners(List.of(new Answer()))
            .build();
    return new Selector(Http1ConnectionSelector.builder().config(watched).build());
  }

  @Override
  public void close() {
    rounds.cancel(false);
    watchdog.shutdownNow();
  }

  /** How many connections each address holds now (for tests). */
  int connectionsFrom(InetAddress address) {
    return perAddress.getOrDefault(address, 0);
  }

  private void closeLate() {
    long now = nanoTicker.getAsLong();
    for (Guarded g : open.values()) {
      long d = g.deadline.get();
      if (d != NONE && now - d >= 0 && g.deadline.compareAndSet(d, NONE)) {
        try {
          g.expire();
        } catch (RuntimeException e) {
          // A failure must not end the watchdog's rounds (the executor would stop repeating).
          LOG.log(System.Logger.Level.WARNING, "could not close a late request's connection", e);
        }
      }
    }
  }

  private boolean admit(InetAddress address) {
    boolean[] admitted = {false};
    perAddress.compute(
        address,
        (a, n) -> {
          int held = n == null ? 0 : n;
          if (held >= limits.maxPerAddress()) {
            return n;
          }
          admitted[0] = true;
          return held + 1;
        });
    return admitted[0];
  }

  private void leave(InetAddress address) {
    perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
  }

  /**
   * A route has read {@code req}'s body to its end: the request has arrived, however long its
   * answer then takes (an import hashing passwords, say).
   */
  void bodyArrived(ServerRequest req) {
    Guarded g = open.get(key(req.serverSocketId(), req.socketId()));
    if (g != null) {
      g.arrived();
    }
  }

  private static String key(String listenerSocket, String connectionSocket) {
    return listenerSocket + " " + connectionSocket;
  }

  /**
   * Whom a connection counts toward: its peer's address, or for IPv6 the peer's /64, which one
   * client commonly holds whole (and can pick any address in).
   */
  private static InetAddress countedAs(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] net = Arrays.copyOf(a.getAddress(), 16);
      Arrays.fill(net, 8, 16, (byte) 0);
      try {
        return InetAddress.getByAddress(net);
      } catch (UnknownHostException e) {
        return a;
      }
    }
    return a;
  }

  private final class Selector implements ServerConnectionSelector {
    private final ServerConnectionSelector http1;

    Selector(ServerConnectionSelector http1) {
      this.http1 = http1;
    }

    @Override
    public int bytesToIdentifyConnection() {
      return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
      return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
      return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
      return new Guarded(ctx, http1.connection(ctx));
    }
  }

  /** One connection: counted toward its address while it lasts, and on the clock per request. */
  private final class Guarded implements ServerConnection {
    private final ConnectionContext ctx;
    private final ServerConnection inner;
    private final AtomicLong deadline = new AtomicLong(NONE);
    private volatile boolean withBody;

    Guarded(ConnectionContext ctx, ServerConnection inner) {
      this.ctx = ctx;
      this.inner = inner;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
      InetAddress address =
          ctx.remotePeer().address() instanceof InetSocketAddress isa ? isa.getAddress() : null;
      boolean counted = address != null && !proxies.trusts(address);
      InetAddress peer = counted ? countedAs(address) : null;
      if (counted && !admit(peer)) {
        LOG.log(
            System.Logger.Level.DEBUG,
            "refused a connection from {0}: it holds {1} already",
            address.getHostAddress(),
            limits.maxPerAddress());
        throw new CloseConnectionException("too many connections from one address");
      }
      String key = key(ctx.socketId(), ctx.childSocketId());
      open.put(key, this);
      try {
        inner.handle(limit);
      } finally {
        open.remove(key);
        if (counted) {
          leave(peer);
        }
      }
    }

    @Override
    public Duration idleTime() {
      return inner.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
      inner.close(interrupt);
    }

    /** The request line is in: the request has until the deadline to arrive. */
    void startClock() {
      withBody = false;
      deadline.set(nanoTicker.getAsLong() + deadlineNanos);
    }

    /** The headers are in; without a body the request has arrived. */
    void headersIn(boolean body) {
      withBody = body;
      if (!body) {
        deadline.set(NONE);
      }
    }

    /** The body has been read: nothing of this request is still to come. */
    void arrived() {
      withBody = false;
      deadline.set(NONE);
    }

    /**
     * The answer starts. A body may still be unread (an answer given before reading it, a 413 say),
     * and Helidon then reads the rest to keep the connection: that rest gets a deadline of its own,
     * which also ends such a connection if it then idles that long.
     */
    void answered() {
      deadline.set(withBody ? nanoTicker.getAsLong() + deadlineNanos : NONE);
    }

    /** Closes the socket under the reader, which then fails and ends the connection. */
    void expire() {
      LOG.log(
          System.Logger.Level.INFO,
          "closed a connection from {0}: its request did not arrive within {1}",
          ctx.remotePeer().host(),
          limits.requestReadTimeout());
      ctx.serverSocket().close();
    }
  }

  /**
   * What arrives: the request line starts the clock; the last header stops it if no body follows.
   */
  private final class Arrival implements Http1ConnectionListener {
    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
      Guarded g = open.get(key(ctx.socketId(), ctx.childSocketId()));
      if (g != null) {
        g.startClock();
      }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
      Guarded g = open.get(key(ctx.socketId(), ctx.childSocketId()));
      if (g != null) {
        g.headersIn(
            headers.contains(HeaderNames.TRANSFER_ENCODING)
                || headers.contentLength().orElse(0) > 0);
      }
    }
  }

  /** What is sent: an answer's status stops the clock of the request it answers. */
  private final class Answer implements Http1ConnectionListener {
    @Override
    public void status(ConnectionContext ctx, Status status) {
      Guarded g = open.get(key(ctx.socketId(), ctx.childSocketId()));
      if (g != null) {
        g.answered();
      }
    }
  }
}
