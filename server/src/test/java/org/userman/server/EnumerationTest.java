package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userman.server.support.TestServer.PASSWORD;
import static org.userman.server.support.TestServer.obj;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.userman.server.support.Resp;
import org.userman.server.support.TestServer;

/** Answers do not tell whether an account exists: not by status, not by body, not by time. */
class EnumerationTest {
  private static final int WARM_UP = 10;
  private static final int SAMPLES = 201;

  @Test
  void unknown_wrong_password_and_disabled_logins_look_and_take_alike() {
    // generous limits: the limiter's work is part of what is timed, its refusals are not
    try (TestServer s =
        TestServer.start(
            "USERMAN_REGISTRATION=open",
            "USERMAN_LIMITS_LOGIN_PER_IP=10000/1m",
            "USERMAN_LIMITS_LOGIN_PER_ACCOUNT=10000/1m")) {
      s.register("known@example.org");
      String disabled = s.register("disabled@example.org").path("id").asText();
      String admin = s.adminToken("root@example.org");
      assertThat(
              s.call("PATCH", "/api/v1/users/" + disabled, obj("status", "disabled"), admin)
                  .status())
          .isEqualTo(200);

      Map<String, String> kinds =
          Map.of(
              "unknown",
              "nobody@example.org",
              "wrong password",
              "known@example.org",
              "disabled",
              "disabled@example.org");
      List<String> kindsInOrder = List.of("unknown", "wrong password", "disabled");
      List<String> order = new ArrayList<>(kindsInOrder);
      // A new order each round: anything periodic (a collection every few hashes, say) must not
      // always land on the same kind.
      long seed = System.nanoTime();
      java.util.Random shuffle = new java.util.Random(seed);
      Map<String, long[]> nanos =
          Map.of(
              "unknown",
              new long[SAMPLES],
              "wrong password",
              new long[SAMPLES],
              "disabled",
              new long[SAMPLES]);
      List<String> bodies = new ArrayList<>();
      for (int i = -WARM_UP; i < SAMPLES; i++) {
        java.util.Collections.shuffle(order, shuffle);
        for (String kind : order) {
          long start = System.nanoTime();
          Resp r =
              s.post(
                  "/api/v1/sessions",
                  obj("email", kinds.get(kind), "password", "not the password 123"));
          long took = System.nanoTime() - start;
          assertThat(r.status()).as(kind).isEqualTo(401);
          if (i >= 0) {
            nanos.get(kind)[i] = took;
            if (i == 0) {
              bodies.add(r.raw());
            }
          }
        }
      }
      assertThat(bodies).as("the same problem document for each kind").containsOnly(bodies.get(0));
      double reference = median(nanos.get("wrong password"));
      for (String kind : kindsInOrder) {
        double ratio = median(nanos.get(kind)) / reference;
        double[] paired = new double[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
          paired[i] = (double) nanos.get(kind)[i] / nanos.get("wrong password")[i];
        }
        java.util.Arrays.sort(paired);
        System.out.printf(
            "userman tests: login %s median %.1f ms, %.3f of a wrong password's (median of paired ratios %.3f; order seed %d)%n",
            kind, median(nanos.get(kind)) / 1e6, ratio, paired[SAMPLES / 2], seed);
        assertThat(ratio).as(kind + " against a wrong password").isBetween(0.9, 1.1);
      }
      // the right password still works afterwards, and the disabled account is told only then
      assertThat(
              s.post("/api/v1/sessions", obj("email", "known@example.org", "password", PASSWORD))
                  .status())
          .isEqualTo(201);
      assertThat(
              s.post("/api/v1/sessions", obj("email", "disabled@example.org", "password", PASSWORD))
                  .code())
          .isEqualTo("account_not_active");
    }
  }

  @Test
  void verification_and_reset_requests_answer_alike_for_known_and_unknown_addresses() {
    try (TestServer s = TestServer.start()) {
      s.register("known@example.org");
      for (String path : new String[] {"/api/v1/email-verifications", "/api/v1/password-resets"}) {
        Resp known = s.post(path, obj("email", "known@example.org"));
        Resp unknown = s.post(path, obj("email", "unknown@example.org"));
        assertThat(known.status()).isEqualTo(202);
        assertThat(unknown.status()).isEqualTo(202);
        assertThat(known.raw()).isEqualTo(unknown.raw());
        assertThat(headerNames(known)).isEqualTo(headerNames(unknown));
      }
      assertThat(s.mailsTo("known@example.org")).hasSize(3);
      assertThat(s.mailsTo("unknown@example.org")).isEmpty();
    }
  }

  private static List<String> headerNames(Resp r) {
    return r.headers().map().keySet().stream().sorted().toList();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
