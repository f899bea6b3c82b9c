package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/** Races that must have exactly one winner, on every database. */
class ConcurrencyTest {
  /** These tests race many requests from one address; the limits have tests of their own. */
  private static final String NO_LIMITS = "USERMAN_LIMITS_ENABLED=false";

  private static final int ROUNDS = 8;

  /** Runs {@code n} calls of {@code call} at the same moment and returns their statuses. */
  private static List<Integer> race(int n, IntFunction<Resp> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return call.apply(k).status();
                }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : futures) {
        statuses.add(f.get());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void simultaneous_registrations_of_one_email_in_any_case_give_one_201_and_one_409()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open", NO_LIMITS)) {
      for (int round = 0; round < ROUNDS; round++) {
        String email = "race" + round + "@example.org";
        List<Integer> statuses =
            race(
                2,
                k ->
                    s.post(
                        "/api/v1/users",
                        obj(
                            "email",
                            k == 0 ? email : email.toUpperCase(java.util.Locale.ROOT),
                            "password",
                            PASSWORD)));
        assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(201, 409);
      }
      assertThat(
              s.userman()
                  .accounts()
                  .list(new org.userman.account.UserQuery("race", null, null, 200, null))
                  .items())
          .hasSize(ROUNDS);
    }
  }

  @Test
  void simultaneous_registrations_of_one_username_in_any_case_give_one_201_and_one_409()
      throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open", NO_LIMITS)) {
      for (int round = 0; round < ROUNDS; round++) {
        String username = "racer" + round;
        int r = round;
        List<Integer> statuses =
            race(
                2,
                k ->
                    s.post(
                        "/api/v1/users",
                        obj(
                            "email",
                            "u" + r + "-" + k + "@example.org",
                            "password",
                            PASSWORD,
                            "username",
                            k == 0 ? username : username.toUpperCase(java.util.Locale.ROOT))));
        assertThat(statuses).as("round " + round).containsExactlyInAnyOrder(201, 409);
      }
    }
  }

  @Test
  void concurrent_refreshes_of_one_token_let_exactly_one_succeed() throws Exception {
    try (TestServer s = TestServer.start("USERMAN_REGISTRATION=open", NO_LIMITS)) {
      s.register("ada@example.org");
      for (int round = 0; round < ROUNDS; round++) {
        String refresh = s.login("ada@example.org").path("refresh_token").asText();
        List<Integer> statuses =
            race(4, k -> s.post("/api/v1/sessions/refresh", obj("refresh_token", refresh)));
        assertThat(statuses).as("round " + round).containsOnly(200, 401);
        assertThat(statuses.stream().filter(st -> st == 200)).as("round " + round).hasSize(1);
      }
    }
  }
}
