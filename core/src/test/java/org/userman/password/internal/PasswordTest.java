package org.userman.password.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.userman.common.FieldError;
import org.userman.internal.Secrets;
import org.userman.password.HashParameters;
import org.userman.password.Password;

class PasswordTest {
  private final Secrets secrets = new Secrets(new SecureRandom());

  @Test
  void hashes_are_argon2id_phc_strings_that_verify_only_the_right_password() {
    PasswordHasher hasher = new PasswordHasher(HashParameters.OWASP, secrets);
    String hash = hasher.hash(Password.of("correct horse battery staple"));
    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(hasher.hash(Password.of("correct horse battery staple"))).isNotEqualTo(hash);
    assertThat(hasher.verify(Password.of("correct horse battery staple"), hash)).isTrue();
    assertThat(hasher.verify(Password.of("correct horse battery stapler"), hash)).isFalse();
    assertThat(hasher.verify(Password.of("anything"), null)).isFalse();
    assertThat(hasher.verify(Password.of("anything"), "$argon2id$garbage")).isFalse();
    assertThat(hasher.needsRehash(hash)).isFalse();
  }

  @Test
  void hashes_made_before_by_password4j_still_verify() {
    // made by Password4j 1.8.4, which hashed passwords until libargon2 replaced it
    String earlier =
        "$argon2id$v=19$m=19456,t=2,p=1$YSBzaXh0ZWVuLWJ5dGUgcw$5UQYND9yB0OVE5Q2fkQ7saQlJUiKPKW9vWBonhfrrfY";
    PasswordHasher hasher = new PasswordHasher(HashParameters.OWASP, secrets);
    assertThat(hasher.verify(Password.of("correct horse battery staple"), earlier)).isTrue();
    assertThat(hasher.verify(Password.of("correct horse battery stapler"), earlier)).isFalse();
    assertThat(hasher.needsRehash(earlier)).isFalse();
  }

  @Test
  void hashes_made_before_by_libargon2_still_verify() {
    // made by libargon2 through argon2-jvm 2.11, which hashed passwords until libsodium replaced it
    Argon2Advanced libargon2 =
        Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id, 16, 32);
    byte[] secret = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    String earlier =
        libargon2
            .hashAdvanced(2, 19456, 1, secret, secrets.randomBytes(16), 32, Argon2Version.V13)
            .getEncoded();
    PasswordHasher hasher = new PasswordHasher(HashParameters.OWASP, secrets);
    assertThat(hasher.verify(Password.of("correct horse battery staple"), earlier)).isTrue();
    assertThat(hasher.verify(Password.of("correct horse battery stapler"), earlier)).isFalse();
    assertThat(hasher.needsRehash(earlier)).isFalse();
    // and the other way: what libsodium makes, libargon2 verifies, so the strings are the standard
    // ones
    assertThat(
            libargon2.verify(
                hasher.hash(Password.of("correct horse battery staple")), secret.clone()))
        .isTrue();
  }

  @Test
  void more_than_one_lane_is_hashed_by_libargon2_and_verifies_either_way() {
    PasswordHasher twoLanes = new PasswordHasher(new HashParameters(4096, 1, 2), secrets);
    String hash = twoLanes.hash(Password.of("a passphrase in two lanes"));
    assertThat(hash).startsWith("$argon2id$v=19$m=4096,t=1,p=2$");
    assertThat(twoLanes.verify(Password.of("a passphrase in two lanes"), hash)).isTrue();
    assertThat(twoLanes.verify(Password.of("a passphrase in one lane"), hash)).isFalse();
    assertThat(twoLanes.needsRehash(hash)).isFalse();
    assertThat(
            twoLanes.verify(
                Password.of("a passphrase in two lanes"), hash.replace("m=4096", "m=1")))
        .isFalse();
    PasswordHasher oneLane = new PasswordHasher(new HashParameters(4096, 1, 1), secrets);
    assertThat(oneLane.verify(Password.of("a passphrase in two lanes"), hash)).isTrue();
    assertThat(oneLane.needsRehash(hash)).isTrue();
  }

  @Test
  void strings_that_are_not_argon2id_v19_fail_and_ask_for_a_rehash() {
    PasswordHasher hasher = new PasswordHasher(new HashParameters(4096, 1, 1), secrets);
    String good = hasher.hash(Password.of("a passphrase"));
    for (String bad :
        new String[] {
          "",
          "!",
          good.replace("$argon2id$", "$argon2i$"),
          good.replace("v=19", "v=16"),
          good.substring(0, good.lastIndexOf('$')),
          good + "$extra",
          good.replace("m=4096", "m=x")
        }) {
      assertThat(hasher.verify(Password.of("a passphrase"), bad)).as(bad).isFalse();
      assertThat(hasher.needsRehash(bad)).as(bad).isTrue();
    }
  }

  @Test
  void hashes_with_other_parameters_still_verify_and_ask_for_a_rehash() {
    String old =
        new PasswordHasher(new HashParameters(4096, 1, 1), secrets)
            .hash(Password.of("an older passphrase"));
    PasswordHasher current = new PasswordHasher(HashParameters.OWASP, secrets);
    assertThat(current.verify(Password.of("an older passphrase"), old)).isTrue();
    assertThat(current.needsRehash(old)).isTrue();
  }

  @Test
  void unicode_forms_of_one_password_are_the_same_password() {
    PasswordHasher hasher = new PasswordHasher(new HashParameters(4096, 1, 1), secrets);
    String composed = "caf\u00e9 au lait, s'il vous pla\u00eet";
    String decomposed = "cafe\u0301 au lait, s'il vous plai\u0302t";
    assertThat(hasher.verify(Password.of(decomposed), hasher.hash(Password.of(composed)))).isTrue();
  }

  @Test
  void many_callers_at_once_each_get_their_own_answer() throws Exception {
    PasswordHasher hasher = new PasswordHasher(new HashParameters(4096, 1, 1), secrets);
    List<Callable<Boolean>> callers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Password mine = Password.of("passphrase of caller " + i);
      Password theirs = Password.of("passphrase of caller " + (i + 1));
      callers.add(
          () -> {
            String hash = hasher.hash(mine);
            return hasher.verify(mine, hash) && !hasher.verify(theirs, hash);
          });
    }
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Future<Boolean> answer : threads.invokeAll(callers)) {
        assertThat(answer.get()).isTrue();
      }
    }
  }

  @Test
  void an_interrupted_caller_gets_no_hash_and_keeps_its_interrupt() {
    PasswordHasher hasher = new PasswordHasher(new HashParameters(4096, 1, 1), secrets);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> hasher.hash(Password.of("never mind this one")))
          .isInstanceOf(IllegalStateException.class)
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(hasher.verify(Password.of("still works"), hasher.hash(Password.of("still works"))))
        .isTrue();
  }

  @Test
  void password_never_prints_itself() {
    assertThat(Password.of("hunter2 hunter2").toString()).doesNotContain("hunter2");
  }

  @Test
  void policy_names_the_rule_broken() {
    PasswordPolicy policy = new PasswordPolicy(10);
    assertThat(policy.check("password", Password.of("123456789"), null, null, null))
        .extracting(FieldError::code)
        .containsExactly("too_short");
    assertThat(policy.check("password", Password.of("x".repeat(257)), null, null, null))
        .extracting(FieldError::code)
        .containsExactly("too_long");
    assertThat(
            policy.check(
                "password", Password.of("\u2603 sn\u00f6w \u2603 ma\u00f1ana"), null, null, null))
        .isEmpty();
    assertThat(
            policy.check(
                "password",
                Password.of("my-Lovelace-2026"),
                "ada@example.org",
                null,
                "Ada Lovelace"))
        .extracting(FieldError::code)
        .containsExactly("contains_user_info");
    assertThat(
            policy.check(
                "password", Password.of("xx-adabyron-xx"), "other@example.org", "adabyron", null))
        .extracting(FieldError::code)
        .containsExactly("contains_user_info");
    assertThat(
            policy.check(
                "password", Password.of("nothing personal here"), "ada@example.org", "ada", "Ada"))
        .isEmpty();
  }

  @Test
  void common_passwords_runs_and_repeats_are_too_common() {
    PasswordPolicy policy = new PasswordPolicy(10);
    for (String common :
        new String[] {
          "qwertyuiop",
          "Q1W2E3R4T5",
          "password1234",
          "Dragon!!2024",
          "aaaaaaaaaaaa",
          "1234567890",
          "zyxwvutsrq",
          "\u2603".repeat(10)
        }) {
      assertThat(policy.check("password", Password.of(common), null, null, null))
          .as(common)
          .extracting(FieldError::code)
          .containsExactly("too_common");
    }
    // a common word inside a longer passphrase is fine: only the whole, or the whole less a tail of
    // digits, counts
    assertThat(policy.check("password", Password.of("dragon under the bridge"), null, null, null))
        .isEmpty();
    assertThat(policy.check("password", Password.of("1234567890x"), null, null, null)).isEmpty();
  }
}
