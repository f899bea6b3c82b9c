package org.userman.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.userman.common.Identifiers;

class IdsTest {

  @Test
  void ids_are_version_7_and_strictly_increasing_even_when_the_clock_stands_still() {
    Ids ids =
        new Ids(
            Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC), new SecureRandom());
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      made.add(ids.next());
    }
    assertThat(made).isSorted().doesNotHaveDuplicates();
    UUID first = UUID.fromString(made.get(0));
    assertThat(first.version()).isEqualTo(7);
    assertThat(first.variant()).isEqualTo(2);
    assertThat(first.getMostSignificantBits() >>> 16)
        .isEqualTo(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli());
    assertThat(made).allMatch(org.userman.common.Identifiers::looksLikeId);
    assertThat(Identifiers.looksLikeId("../../etc")).isFalse();
  }

  @Test
  void secrets_are_256_bits_url_safe_and_hash_to_hex_sha256() {
    Secrets secrets = new Secrets(new SecureRandom());
    String token = secrets.newToken();
    assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(secrets.newToken()).isNotEqualTo(token);
    assertThat(Secrets.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Secrets.constantTimeEquals("abc", "abc")).isTrue();
    assertThat(Secrets.constantTimeEquals("abc", "abd")).isFalse();
  }
}
