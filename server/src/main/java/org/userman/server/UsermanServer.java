package org.userman.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.userman.Secrets;
import org.userman.Userman;
import org.userman.crypto.PrivateFiles;
import org.userman.server.config.ConfigException;
import org.userman.server.config.ServerConfig;
import org.userman.server.http.ApiKeyRoutes;
import org.userman.server.http.AuditRoutes;
import org.userman.server.http.Call;
import org.userman.server.http.Cors;
import org.userman.server.http.HttpApi;
import org.userman.server.http.MailQueueRoutes;
import org.userman.server.http.MailTokenRoutes;
import org.userman.server.http.MeRoutes;
import org.userman.server.http.RequestLog;
import org.userman.server.http.Route;
import org.userman.server.http.RouteTable;
import org.userman.server.http.SessionRoutes;
import org.userman.server.http.SystemRoutes;
import org.userman.server.http.UserRoutes;
import org.userman.server.http.Views;
import org.userman.server.web.AccountPages;
import org.userman.server.web.AdminPages;
import org.userman.server.web.SignInPages;
import org.userman.server.web.WebPages;

/** One running node: the library, its HTTP routes and the web server, started and stopped together. */
public final class UsermanServer implements AutoCloseable {
  private static final int MAX_REQUEST_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 16 * 1024;
  private static final long MAX_TRANSPORT_PAYLOAD = 1024 * 1024;
  /** How often idle connections are looked for (Helidon's default, two minutes, is coarse). */
  private static final Duration IDLE_CHECK = Duration.ofSeconds(5);
  private final Userman userman;
  private final WebServer web;
  private final HttpApi api;
  private final FileLock lock;
  private final Housekeeping housekeeping;

  private UsermanServer(Userman userman, WebServer web, HttpApi api, FileLock lock) {
    this.housekeeping = new Housekeeping(userman.audit(), userman.limiter());
    this.userman = userman;
    this.web = web;
    this.api = api;
    this.lock = lock;
  }

  /**
   * Begins, on a background thread, the part of a start that needs no configuration (once per JVM):
   * call it first thing, and {@link #start} waits for it where it must.
   */
  public static void prepareStart() {
    StartupWarmup.begin();
  }

  public static UsermanServer start(ServerConfig config) {
    return start(config, Clock.systemUTC(), new SecureRandom(), System.out::println);
  }

  /** Starts a node with explicit time, randomness and log sink (tests pass their own). */
  public static UsermanServer start(ServerConfig config, Clock clock, SecureRandom random, Consumer<String> logSink) {
    StartupWarmup.begin();
    FileLock lock = config.sqliteFile() == null ? null : lockEmbeddedDatabase(config.sqliteFile());
    Userman userman = null;
    try {
      userman = Userman.open(config.core(), clock, random);
      // Everything from here on touches Helidon's classes (the routes' header names among them).
      StartupWarmup.awaitWebServer();
      ObjectMapper json = Userman.jsonMapper();
      Views views = new Views(json);
      RouteTable table = new RouteTable();
      new SystemRoutes(userman.database(), userman.signingKeys(), openApiDocument(), Duration.ofSeconds(2)).declare(table);
      new UserRoutes(userman.accounts(), views).declare(table);
      new MailTokenRoutes(userman.verifications(), userman.passwordResets(), views).declare(table);
      new SessionRoutes(userman.sessions(), views).declare(table);
      new MeRoutes(userman.accounts(), views).declare(table);
      new ApiKeyRoutes(userman.apiKeys(), views).declare(table);
      new AuditRoutes(userman.audit(), views).declare(table);
      new MailQueueRoutes(userman.mailQueue(), views).declare(table);
      Userman u = userman;
      Call.AdminCheck adminCheck = userId -> u.accounts().isAdmin(userId);
      RequestLog requestLog = new RequestLog(logSink, config.logFormat(), json, clock, random);
      WebPages pages = new WebPages(userman.authenticator(), userman.database().changes(), adminCheck, config.trustedProxies(), requestLog,
          new Secrets(random), config.https(), config.core().mail().product(), config.core().sessionTtl(), config.core().publicUrl(),
          config.core().accounts().passwordMinLength());
      new SignInPages(pages, userman.accounts(), userman.sessions(), userman.verifications(), userman.passwordResets(),
          config.core().accounts().registration()).declare();
      new AccountPages(pages, userman.accounts(), userman.sessions(), userman.apiKeys()).declare();
      new AdminPages(pages, userman.accounts()).declare();
      HttpApi api =
          new HttpApi(
              table.routes(),
              json,
              userman.authenticator(),
              userman.database().changes(),
              adminCheck,
              requestLog,
              new Cors(config.corsOrigins()),
              config.trustedProxies(),
              config.https());
      WebServer web =
          WebServer.builder()
              .host(config.host())
              .port(config.port())
              .shutdownHook(false)
              // Explicit limits: request line and headers, bodies (routes refuse past 64 KiB with
              // their own 413; this stops larger ones early), idle connections.
              .addProtocol(Http1Config.builder().maxPrologueLength(MAX_REQUEST_LINE).maxHeadersSize(MAX_HEADERS).build())
              .maxPayloadSize(MAX_TRANSPORT_PAYLOAD)
              .idleConnectionTimeout(config.idleTimeout())
              .idleConnectionPeriod(IDLE_CHECK)
              // Without TCP_NODELAY an answer written in two segments (headers, then a body of
              // more than a few KB) waits for the client's delayed ACK: some 40 ms per answer.
              .connectionOptions(o -> o.tcpNoDelay(true))
              .directHandlers(d -> {
                for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
                  d.addHandler(event, api.transportProblems());
                }
              })
              .routing(r -> {
                pages.register(r);
                api.register(r);
              })
              .build()
              .start();
      userman.mailQueue().start();
      userman.database().changes().start();
      return new UsermanServer(userman, web, api, lock);
    } catch (RuntimeException e) {
      if (userman != null) {
        userman.close();
      }
      release(lock);
      throw e;
    }
  }

  /**
   * SQLite takes one writer process: a second server on the same file would only contend for its
   * lock, so it refuses to start. The command line does not take this lock and may run beside.
   */
  private static FileLock lockEmbeddedDatabase(Path dbFile) {
    Path lockFile = dbFile.resolveSibling(dbFile.getFileName() + ".server-lock");
    try {
      PrivateFiles.folder(lockFile.toAbsolutePath().getParent());
      FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          PrivateFiles.fileAttributes(lockFile));
      PrivateFiles.restrict(lockFile);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new ConfigException(
            "another Userman server is already running on " + dbFile + "; stop it, or give this one another data_dir");
      }
      return lock;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
  }

  private static void release(FileLock lock) {
    if (lock != null) {
      try {
        lock.release();
        lock.channel().close();
      } catch (IOException e) {
        // the lock dies with the process anyway
      }
    }
  }

  /** The OpenAPI document as JSON, as the build wrote it ({@link org.userman.server.http.OpenApiJson}). */
  private static byte[] openApiDocument() {
    try (InputStream in = UsermanServer.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return web.port();
  }

  public Userman userman() {
    return userman;
  }

  public List<Route> routes() {
    return api.routes();
  }

  @Override
  public void close() {
    web.stop();
    housekeeping.close();
    userman.close();
    release(lock);
  }
}
