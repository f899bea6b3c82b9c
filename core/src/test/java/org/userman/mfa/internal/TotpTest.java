package org.userman.mfa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TotpTest {
  /** RFC 6238, appendix B: the SHA-1 seed. */
  private static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  private static String at(long epochSecond) {
    return Totp.code(SEED, Totp.step(Instant.ofEpochSecond(epochSecond)));
  }

  @Test
  void codes_are_the_last_six_digits_of_rfc_6238s_sha1_test_vectors() {
    assertThat(at(59)).isEqualTo("287082");
    assertThat(at(1111111109)).isEqualTo("081804");
    assertThat(at(1111111111)).isEqualTo("050471");
    assertThat(at(1234567890)).isEqualTo("005924");
    assertThat(at(2000000000)).isEqualTo("279037");
    assertThat(at(20000000000L)).isEqualTo("353130");
  }

  @Test
  void a_code_matches_its_step_and_its_neighbours_but_only_after_the_last_one_accepted() {
    long now = Totp.step(Instant.ofEpochSecond(1111111111));
    String code = Totp.code(SEED, now);
    assertThat(Totp.match(SEED, code, now, 0)).hasValue(now);
    assertThat(Totp.match(SEED, code, now + 1, 0)).hasValue(now);
    assertThat(Totp.match(SEED, code, now - 1, 0)).hasValue(now);
    assertThat(Totp.match(SEED, code, now + 2, 0)).isEmpty();
    assertThat(Totp.match(SEED, code, now, now)).as("spent").isEmpty();
    assertThat(Totp.match(SEED, "050 471", now, 0)).hasValue(now);
    assertThat(Totp.match(SEED, "05047", now, 0)).isEmpty();
    assertThat(Totp.match(SEED, "abcdef", now, 0)).isEmpty();
  }

  @Test
  void base32_round_trips_and_matches_rfc_4648() {
    assertThat(Totp.base32("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
    assertThat(Totp.fromBase32("MZXW6YTBOI"))
        .isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
    assertThat(Totp.fromBase32(Totp.base32(SEED))).isEqualTo(SEED);
  }

  @Test
  void recovery_codes_are_read_in_any_case_with_or_without_the_dash() {
    assertThat(SecondFactorService.normalize("AB1CD-EF234")).isEqualTo("ab1cdef234");
    assertThat(SecondFactorService.normalize(" ab1cd ef234 ")).isEqualTo("ab1cdef234");
    assertThat(SecondFactorService.normalize("abicd-ef234")).as("i as 1").isEqualTo("ab1cdef234");
    assertThat(SecondFactorService.normalize("abcd")).isNull();
    assertThat(SecondFactorService.normalize("abcde-fghju")).as("no u in the alphabet").isNull();
  }
}
