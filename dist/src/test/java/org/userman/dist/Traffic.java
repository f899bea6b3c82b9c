package org.userman.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that keep sending a mix of writes (registrations, sign-ins, renames, refreshes) and reads
 * to the nodes routed to, in turn, as a load balancer would, and note every answer that is a 5xx,
 * unexpected, or missing. Each client owns its accounts, so the last rename it had acknowledged is
 * what every later read must show, on whichever node.
 */
final class Traffic implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long WAIT_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(3);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final String run = Long.toString(System.nanoTime(), 36);
  private final Map<Integer, String> names = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> crossed = new ConcurrentHashMap<>();
  private final Queue<String> problems = new ConcurrentLinkedQueue<>();
  private final List<Client> clients = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile List<Integer> routed = List.of();
  private volatile boolean stopping;
  // guarded by this
  private final Map<Integer, Integer> inFlight = new HashMap<>();
  private long answered;

  Traffic(int clients) {
    for (int i = 0; i < clients; i++) {
      this.clients.add(new Client(i));
    }
  }

  /** Sends requests to {@code port} too from now on. */
  void route(int port, String name) {
    names.put(port, name);
    answers.putIfAbsent(port, new AtomicLong());
    List<Integer> next = new ArrayList<>(routed);
    next.add(port);
    routed = List.copyOf(next);
    if (threads.isEmpty()) {
      for (Client c : clients) {
        threads.add(Thread.ofPlatform().name("traffic-" + c.id).start(c));
      }
    }
  }

  /** Sends no more requests to {@code port}, and returns once those it sent are answered. */
  void unroute(int port) throws InterruptedException {
    List<Integer> next = new ArrayList<>(routed);
    next.remove(Integer.valueOf(port));
    routed = List.copyOf(next);
    long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
    synchronized (this) {
      while (inFlight.getOrDefault(port, 0) > 0) {
        waitUntil(deadline, "the requests to " + names.get(port) + " to end");
      }
    }
  }

  /** Returns once {@code n} more requests have had their answer (or failed to). */
  void awaitAnswers(int n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_LIMIT_NANOS;
    synchronized (this) {
      long target = answered + n;
      while (answered < target) {
        waitUntil(deadline, n + " answers");
      }
    }
  }

  private void waitUntil(long deadline, String what) throws InterruptedException {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new IllegalStateException("waited too long for " + what + "; problems: " + problems);
    }
    TimeUnit.NANOSECONDS.timedWait(this, left);
  }

  long answers(int port) {
    return answers.get(port).get();
  }

  /** How many requests used a session made or refreshed on {@code from} on node {@code to}. */
  long crossed(String from, String to) {
    AtomicLong n = crossed.get(from + ">" + to);
    return n == null ? 0 : n.get();
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  String summary() {
    StringBuilder s = new StringBuilder();
    synchronized (this) {
      s.append(answered).append(" answers (");
    }
    names.forEach((port, name) -> s.append(name).append(' ').append(answers(port)).append(", "));
    s.setLength(s.length() - 2);
    s.append("), ")
        .append(accounts().size())
        .append(" accounts; sessions crossed ")
        .append(crossed);
    return s.toString();
  }

  void stop() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(TimeUnit.NANOSECONDS.toMillis(WAIT_LIMIT_NANOS));
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<Account> accounts() {
    List<Account> all = new ArrayList<>();
    for (Client c : clients) {
      synchronized (c.accounts) {
        all.addAll(c.accounts);
      }
    }
    return all;
  }

  /** What every account shows through one node once the traffic has stopped. */
  record Check(int accounts, int sessions, int sessionsOfOthers, List<String> problems) {
    @Override
    public String toString() {
      return "afterwards "
          + accounts
          + " accounts signed in with their last name, "
          + sessions
          + " sessions working ("
          + sessionsOfOthers
          + " made on the other node), "
          + problems.size()
          + " problems";
    }
  }

  /**
   * Checks through {@code port} that every account acknowledged is there, signs in with its
   * password and shows the last name acknowledged, and that its last session still works.
   */
  Check checkThrough(int port) {
    String node = names.get(port);
    List<String> found = new ArrayList<>();
    int sessions = 0;
    int others = 0;
    List<Account> all = accounts();
    for (Account acc : all) {
      Answer in = send(port, "POST", "/api/v1/sessions", null, signIn(acc), found);
      if (in == null || in.status() != 201) {
        found.add(acc.email + " cannot sign in on " + node + ": " + in);
        continue;
      }
      Answer me =
          send(port, "GET", "/api/v1/me", in.body().path("access_token").asText(), null, found);
      if (me == null || me.status() != 200 || !acc.name.equals(me.body().path("name").asText())) {
        found.add(acc.email + " should be named " + acc.name + " on " + node + ": " + me);
      }
      if (acc.access != null) {
        Answer old = send(port, "GET", "/api/v1/me", acc.access, null, found);
        if (old == null || old.status() != 200) {
          found.add(acc.email + "'s session of " + acc.origin + " fails on " + node + ": " + old);
        } else {
          sessions++;
          if (!acc.origin.equals(node)) {
            others++;
          }
        }
      }
    }
    return new Check(all.size(), sessions, others, List.copyOf(found));
  }

  private record Answer(int status, JsonNode body, String text) {
    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  /** An account one client made; only that client changes it. */
  private static final class Account {
    final String email;
    final String password;
    volatile String name;
    volatile String access;
    volatile String refresh;
    volatile String origin;

    Account(String email, String password, String name) {
      this.email = email;
      this.password = password;
      this.name = name;
    }
  }

  private static ObjectNode signIn(Account acc) {
    return JSON.createObjectNode().put("email", acc.email).put("password", acc.password);
  }

  private final class Client implements Runnable {
    final int id;
    final List<Account> accounts = new ArrayList<>();
    final Random random;
    long n;

    Client(int id) {
      this.id = id;
      this.random = new Random(id);
    }

    @Override
    public void run() {
      while (!stopping) {
        List<Integer> ports = routed;
        if (ports.isEmpty()) {
          Thread.onSpinWait(); // not for long: a node is routed to again, or the traffic stops
          continue;
        }
        try {
          step(ports.get((int) (n % ports.size())), (int) (n % 5));
        } catch (RuntimeException e) {
          problems.add("client " + id + ": " + e);
        }
        n++;
      }
    }

    private void step(int port, int kind) {
      Account acc = null;
      synchronized (accounts) {
        if (kind != 0 && !accounts.isEmpty()) {
          acc = accounts.get(random.nextInt(accounts.size()));
        }
      }
      if (acc == null) {
        register(port);
        return;
      }
      if (kind == 1 || acc.access == null) {
        signIn(acc, port);
      } else if (kind == 2) {
        rename(acc, port);
      } else if (kind == 3) {
        read(acc, port);
      } else {
        refresh(acc, port);
      }
    }

    private void register(int port) {
      String email = "c" + id + "-" + n + "-" + run + "@example.org";
      // no part of the name or email in it, as the password policy asks
      Account acc = new Account(email, "correct horse battery staple", "c" + id + " " + n);
      ObjectNode body =
          JSON.createObjectNode()
              .put("email", acc.email)
              .put("password", acc.password)
              .put("name", acc.name);
      Answer a = expect(port, "POST", "/api/v1/users", null, body, 201);
      if (a != null) {
        synchronized (accounts) {
          accounts.add(acc);
        }
      }
    }

    private void signIn(Account acc, int port) {
      Answer a = expect(port, "POST", "/api/v1/sessions", null, Traffic.signIn(acc), 201);
      if (a != null) {
        took(acc, a, port);
      }
    }

    private void refresh(Account acc, int port) {
      ObjectNode body = JSON.createObjectNode().put("refresh_token", acc.refresh);
      Answer a = crossing(acc, port, "POST", "/api/v1/sessions/refresh", null, body, 200);
      if (a != null) {
        took(acc, a, port);
      }
    }

    private void rename(Account acc, int port) {
      String name = "c" + id + " renamed " + n;
      ObjectNode body = JSON.createObjectNode().put("name", name);
      Answer a = crossing(acc, port, "PATCH", "/api/v1/me", acc.access, body, 200);
      if (a != null) {
        acc.name = name;
      }
    }

    private void read(Account acc, int port) {
      Answer a = crossing(acc, port, "GET", "/api/v1/me", acc.access, null, 200);
      if (a != null && !acc.name.equals(a.body().path("name").asText())) {
        problems.add(
            names.get(port)
                + " showed "
                + acc.email
                + " as "
                + a.body().path("name")
                + ", not as the "
                + acc.name
                + " acknowledged before");
      }
    }

    private void took(Account acc, Answer a, int port) {
      acc.access = a.body().path("access_token").asText();
      acc.refresh = a.body().path("refresh_token").asText();
      acc.origin = names.get(port);
    }

    private Answer crossing(
        Account acc, int port, String method, String path, String token, ObjectNode body, int ok) {
      crossed
          .computeIfAbsent(acc.origin + ">" + names.get(port), k -> new AtomicLong())
          .incrementAndGet();
      return expect(port, method, path, token, body, ok);
    }

    /** The answer when it has the status {@code ok}; else notes the problem and gives null. */
    private Answer expect(
        int port, String method, String path, String token, ObjectNode body, int ok) {
      synchronized (Traffic.this) {
        inFlight.merge(port, 1, Integer::sum);
      }
      Answer a;
      try {
        a = send(port, method, path, token, body, problems);
      } finally {
        synchronized (Traffic.this) {
          inFlight.merge(port, -1, Integer::sum);
          answered++;
          Traffic.this.notifyAll();
        }
      }
      if (a == null) {
        return null;
      }
      answers.get(port).incrementAndGet();
      if (a.status() != ok) {
        problems.add(
            names.get(port) + " answered " + method + " " + path + " with " + a + ", not " + ok);
        return null;
      }
      return a;
    }
  }

  private static JsonNode json(String text) {
    try {
      return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
    } catch (IOException e) {
      return JSON.nullNode(); // a body that is not JSON: its text is kept for the report
    }
  }

  private Answer send(
      int port,
      String method,
      String path,
      String token,
      ObjectNode body,
      Collection<String> found) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.toString()));
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), json(response.body()), response.body());
    } catch (IOException e) {
      found.add(names.get(port) + " gave no answer to " + method + " " + path + ": " + e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      found.add(method + " " + path + " interrupted");
      return null;
    }
  }
}
