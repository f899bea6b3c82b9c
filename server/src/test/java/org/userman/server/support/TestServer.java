package org.userman.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.userman.Userman;
import org.userman.server.config.ConfigLoader;
import org.userman.server.config.ServerConfig;
import org.userman.server.node.UsermanServer;
import org.userman.store.Dialect;
import org.userman.testkit.MutableClock;
import org.userman.testkit.TestDatabases;

/**
 * A real node on an ephemeral port with a fresh embedded database in its own folder, a clock the
 * test moves, and the request log captured. Speaks HTTP to it with the JDK's client.
 */
public final class TestServer implements AutoCloseable {
  public static final ObjectMapper JSON = Userman.jsonMapper();
  public static final String PASSWORD = "correct horse battery staple";
  public final MutableClock clock;
  public final Path dataDir;
  public final List<String> log = Collections.synchronizedList(new ArrayList<>());

  /**
   * The encryption key of the signing keys on PostgreSQL and MariaDB, where the operator must give
   * one (on SQLite the node makes its own key file in the data folder).
   */
  public static final String ENCRYPTION_KEY = "dGVzdHMgb25seTogbm90IGEgc2VjcmV0IGF0IGFsbCE";

  private final Map<String, String> env;
  private final TestDatabases.Fresh database;
  private final HttpClient http = HttpClient.newHttpClient();
  private UsermanServer server;

  private TestServer(
      Path dataDir, Map<String, String> env, MutableClock clock, TestDatabases.Fresh database) {
    this.dataDir = dataDir;
    this.env = env;
    this.clock = clock;
    this.database = database;
    start();
  }

  /** A fresh node; {@code settings} are environment settings such as USERMAN_REGISTRATION=open. */
  public static TestServer start(String... settings) {
    return start(url -> url, settings);
  }

  /** A fresh node whose database URL {@code rewrite} changes (to go through a proxy, say). */
  public static TestServer start(UnaryOperator<String> rewrite, String... settings) {
    return start(TestDatabases::fresh, rewrite, settings);
  }

  /** A fresh node on a fresh database of the given server (not the run's own). */
  public static TestServer on(TestDatabases.Server server, String... settings) {
    return start(() -> TestDatabases.fresh(server), url -> url, settings);
  }

  private static TestServer start(
      Supplier<TestDatabases.Fresh> database, UnaryOperator<String> rewrite, String... settings) {
    try {
      Path dir = Files.createTempDirectory("userman-test");
      Map<String, String> env = new HashMap<>();
      env.put("USERMAN_HTTP_PORT", "0");
      env.put("USERMAN_DATA_DIR", dir.toString());
      env.put("USERMAN_PUBLIC_URL", "http://userman.test");
      for (String s : settings) {
        int eq = s.indexOf('=');
        env.put(s.substring(0, eq), s.substring(eq + 1));
      }
      TestDatabases.Fresh db = database.get();
      if (db != null) {
        env.putIfAbsent("USERMAN_KEYS_ENCRYPTION_KEY", ENCRYPTION_KEY);
        env.put("USERMAN_DATABASE_URL", rewrite.apply(db.url()));
        if (db.server().user() != null) {
          env.put("USERMAN_DATABASE_USER", db.server().user());
        }
        if (db.server().password() != null) {
          env.put("USERMAN_DATABASE_PASSWORD", db.server().password());
        }
      }
      try {
        return new TestServer(
            Path.of(env.get("USERMAN_DATA_DIR")),
            env,
            new MutableClock(Instant.parse("2026-11-22T10:00:00Z")),
            db);
      } catch (RuntimeException e) {
        TestDatabases.drop(db);
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ServerConfig config() {
    return ConfigLoader.load(null, env);
  }

  public Map<String, String> env() {
    return Map.copyOf(env);
  }

  private void start() {
    server = null;
    server = UsermanServer.start(config(), clock, new SecureRandom(), log::add);
    awaitCaches();
  }

  /**
   * Tests run with the per-request caches on, as a node does once its change watcher runs (a few
   * milliseconds after start-up), unless a test turns database.listen_for_changes off.
   */
  private void awaitCaches() {
    if (server.userman().storage().dialect() != Dialect.SQLITE
        && !config().core().database().listenForChanges()) {
      return;
    }
    if (!server.userman().cachesOn(Duration.ofSeconds(10))) {
      throw new IllegalStateException("the change watcher did not start within 10 s");
    }
  }

  /**
   * Another node on the same database and data folder, with its own clock source shared (the test's
   * clock), as a second machine behind a load balancer would be.
   */
  public TestServer secondNode() {
    return new TestServer(dataDir, env, clock, null);
  }

  /** Stops the node and starts a new one on the same data folder (a restart). */
  public void restart() {
    server.close();
    start();
  }

  /**
   * Stops the node and starts it again on the same data with these settings changed ({@code
   * KEY=value}; an empty value removes the setting). When the new settings do not start, the node
   * stays stopped and the failure is thrown.
   */
  public void restartWith(String... settings) {
    if (server != null) {
      server.close();
      server = null;
    }
    for (String s : settings) {
      int eq = s.indexOf('=');
      if (eq == s.length() - 1) {
        env.remove(s.substring(0, eq));
      } else {
        env.put(s.substring(0, eq), s.substring(eq + 1));
      }
    }
    start();
  }

  /** A plain JDBC connection to the node's database, for tests that look at what is stored. */
  public java.sql.Connection jdbc() throws java.sql.SQLException {
    String url = env.get("USERMAN_DATABASE_URL");
    if (url == null) {
      return java.sql.DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("userman.db"));
    }
    return java.sql.DriverManager.getConnection(
        url, env.get("USERMAN_DATABASE_USER"), env.get("USERMAN_DATABASE_PASSWORD"));
  }

  /** The first column of every row {@code sql} selects, as text. */
  public List<String> column(String sql, Object... params) {
    try (java.sql.Connection c = jdbc();
        java.sql.PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      List<String> out = new ArrayList<>();
      try (java.sql.ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one statement on the node's database; returns the rows it changed. */
  public int execute(String sql, Object... params) {
    try (java.sql.Connection c = jdbc();
        java.sql.PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      return st.executeUpdate();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public UsermanServer server() {
    return server;
  }

  public Userman userman() {
    return server.userman();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  // ---- HTTP

  public Resp send(String method, String path, String contentType, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      boolean isJson = r.headers().firstValue("Content-Type").orElse("").contains("json");
      JsonNode json = r.body().isEmpty() || !isJson ? JSON.missingNode() : JSON.readTree(r.body());
      return new Resp(r.statusCode(), r.headers(), json, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A JSON request; {@code token} (may be null) goes in a Bearer header. */
  public Resp call(String method, String path, Object body, String token) {
    String json;
    try {
      json = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return token == null
        ? send(method, path, json == null ? null : "application/json", json)
        : send(
            method,
            path,
            json == null ? null : "application/json",
            json,
            "Authorization",
            "Bearer " + token);
  }

  public Resp get(String path, String token) {
    return call("GET", path, null, token);
  }

  public Resp post(String path, Object body) {
    return call("POST", path, body, null);
  }

  public static ObjectNode obj(Object... kv) {
    ObjectNode n = JSON.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) {
      n.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
    }
    return n;
  }

  // ---- common flows

  /** Registers {@code email} and returns the user's JSON. */
  public JsonNode register(String email) {
    Resp r = post("/api/v1/users", obj("email", email, "password", PASSWORD));
    if (r.status() != 201) {
      throw new AssertionError("registration failed: " + r);
    }
    return r.json();
  }

  /**
   * Registers and verifies {@code email} (under the default verify policy the account becomes
   * active).
   */
  public JsonNode registerActive(String email) {
    register(email);
    Resp r = post("/api/v1/email-verifications/confirm", obj("token", lastToken(email)));
    if (r.status() != 200) {
      throw new AssertionError("verification failed: " + r);
    }
    return r.json();
  }

  /** Signs in and returns the login answer. */
  public JsonNode login(String email) {
    return login(email, PASSWORD);
  }

  public JsonNode login(String email, String password) {
    Resp r = post("/api/v1/sessions", obj("email", email, "password", password));
    if (r.status() != 201) {
      throw new AssertionError("login failed: " + r);
    }
    return r.json();
  }

  public String accessToken(String email) {
    return login(email).path("access_token").asText();
  }

  /** Creates roles directly through the library, as {@code userman roles create} does. */
  public void roles(String... names) {
    for (String name : names) {
      userman().roles().create(name, null, org.userman.common.Actor.COMMAND_LINE);
    }
  }

  /**
   * Creates an active admin directly through the library, as the command line does, and signs in.
   */
  public String adminToken(String email) {
    userman()
        .accounts()
        .create(
            new org.userman.account.NewUser(
                email,
                org.userman.password.Password.of(PASSWORD),
                "Admin",
                null,
                null,
                org.userman.account.UserStatus.ACTIVE,
                List.of("admin"),
                true),
            true,
            org.userman.common.Actor.COMMAND_LINE);
    return accessToken(email);
  }

  // ---- outbox

  /** The mails written to the outbox for {@code to}, oldest first. */
  public List<String> mailsTo(String to) {
    // verification and reset requests queue their mail after answering: wait for that, then send
    // what is due (the node's own sender may be in the middle of it; sendDue waits for it)
    userman().awaitIdle(java.time.Duration.ofSeconds(10));
    userman().mailQueue().sendDue();
    Path outbox = dataDir.resolve("outbox");
    if (!Files.isDirectory(outbox)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(outbox)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".eml"))
          .sorted()
          .map(TestServer::read)
          .filter(m -> m.contains("\nTo: " + to + "\r\n") || m.contains("\nTo: " + to + "\n"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The token in the newest mail to {@code to}. */
  public String lastToken(String to) {
    List<String> mails = mailsTo(to);
    if (mails.isEmpty()) {
      throw new AssertionError("no mail to " + to);
    }
    return tokenIn(mails.get(mails.size() - 1));
  }

  public static String tokenIn(String mail) {
    for (String line : mail.split("\r?\n", -1)) {
      if (line.startsWith("Token: ")) {
        return line.substring("Token: ".length()).strip();
      }
    }
    throw new AssertionError("no Token: line in mail");
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    TestDatabases.drop(database);
  }
}
