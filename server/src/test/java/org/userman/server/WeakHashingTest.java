package org.userman.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.userman.server.support.TestServer;
import org.userman.testkit.TestDatabases;

/** Argon2 settings below OWASP's minimum are loud; far below it, the server refuses to start. */
class WeakHashingTest {

  /** The warnings logged while {@code start} runs. */
  private static List<String> warnings(Runnable start) {
    List<String> seen = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
              seen.add(r.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try {
      start.run();
    } finally {
      root.removeHandler(capture);
    }
    return seen;
  }

  @Test
  void settings_below_owasp_minimum_warn_at_every_start() {
    Assumptions.assumeTrue(TestDatabases.isSqlite(), "settings, the same on every database");
    List<String> weak =
        warnings(
            () -> {
              try (TestServer s =
                  TestServer.start(
                      "USERMAN_PASSWORDS_ARGON2_MEMORY_KIB=12288",
                      "USERMAN_PASSWORDS_ARGON2_ITERATIONS=2")) {
                assertThat(s.get("/health/live", null).status()).isEqualTo(200);
              }
            });
    assertThat(weak).anyMatch(m -> m.contains("below OWASP") && m.contains("passwords.argon2"));
    for (String[] owasp : new String[][] {{"19456", "2"}, {"12288", "3"}, {"47104", "1"}}) {
      List<String> fine =
          warnings(
              () -> {
                try (TestServer s =
                    TestServer.start(
                        "USERMAN_PASSWORDS_ARGON2_MEMORY_KIB=" + owasp[0],
                        "USERMAN_PASSWORDS_ARGON2_ITERATIONS=" + owasp[1])) {
                  assertThat(s.get("/health/live", null).status()).isEqualTo(200);
                }
              });
      assertThat(fine).as(String.join("/", owasp)).noneMatch(m -> m.contains("below OWASP"));
    }
  }

  @Test
  void under_8_mib_the_server_refuses_to_start_unless_weak_hashing_is_allowed() {
    Assumptions.assumeTrue(TestDatabases.isSqlite(), "settings, the same on every database");
    assertThatThrownBy(
            () ->
                TestServer.start(
                    "USERMAN_PASSWORDS_ARGON2_MEMORY_KIB=4096",
                    "USERMAN_PASSWORDS_ARGON2_ITERATIONS=8"))
        .hasMessageContaining("passwords.argon2.memory_kib")
        .hasMessageContaining("passwords.allow_weak_hashing");
    try (TestServer s =
        TestServer.start(
            "USERMAN_PASSWORDS_ARGON2_MEMORY_KIB=8",
            "USERMAN_PASSWORDS_ARGON2_ITERATIONS=1",
            "USERMAN_PASSWORDS_ALLOW_WEAK_HASHING=true",
            "USERMAN_REGISTRATION=open")) {
      s.register("ada@example.org");
      assertThat(s.login("ada@example.org").path("access_token").asText()).isNotEmpty();
    }
  }
}
