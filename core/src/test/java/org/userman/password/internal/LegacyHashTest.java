package org.userman.password.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.userman.internal.Secrets;
import org.userman.password.HashParameters;
import org.userman.password.LegacyHashSettings;
import org.userman.password.Password;

class LegacyHashTest {
  /**
   * The project parameters of github.com/firebase/scrypt's README example, whose hash is in the
   * fixtures.
   */
  static final LegacyHashSettings FIREBASE =
      new LegacyHashSettings(
          LegacyHashSettings.FirebaseScrypt.fromBase64(
              "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
              "Bw==",
              8,
              14));

  record Fixture(String format, String tool, String password, String hash) {}

  /** The hashes made by the real tools, from legacy-hashes.tsv. */
  static List<Fixture> fixtures() throws IOException {
    List<Fixture> out = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                LegacyHashTest.class.getResourceAsStream(
                    "/org/userman/password/legacy-hashes.tsv"));
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        out.add(new Fixture(f[0], f[1], f[2], f[3]));
      }
    }
    return out;
  }

  @Test
  void every_hash_made_by_its_own_tool_verifies_its_password_and_no_other() throws IOException {
    List<Fixture> fixtures = fixtures();
    Set<String> formats = new TreeSet<>();
    for (Fixture f : fixtures) {
      LegacyHash hash = LegacyHash.parse(f.hash(), FIREBASE);
      byte[] right = f.password().getBytes(StandardCharsets.UTF_8);
      byte[] wrong = ("!" + f.password()).getBytes(StandardCharsets.UTF_8);
      assertThat(hash.matches(right)).as(f.format() + " by " + f.tool()).isTrue();
      assertThat(hash.matches(wrong)).as(f.format() + " by " + f.tool()).isFalse();
      formats.add(f.format());
    }
    assertThat(formats)
        .contains(
            "argon2id",
            "argon2i",
            "bcrypt_2a",
            "bcrypt_2b",
            "bcrypt_2y",
            "scrypt",
            "pbkdf2_sha256",
            "pbkdf2_sha512",
            "sha512_crypt",
            "werkzeug_pbkdf2",
            "werkzeug_scrypt",
            "django_pbkdf2_sha256",
            "django_bcrypt_sha256",
            "crypt_sha256",
            "crypt_sha512",
            "firebase_scrypt");
  }

  @Test
  void bcrypt_uses_the_first_72_bytes_as_bcrypt_does_and_django_bcrypt_sha256_all_of_them()
      throws IOException {
    String longPassword = "x".repeat(80);
    for (Fixture f : fixtures()) {
      if (!f.password().equals(longPassword)) {
        continue;
      }
      LegacyHash hash = LegacyHash.parse(f.hash(), FIREBASE);
      boolean sameFirst72 = hash.matches("x".repeat(72).getBytes(StandardCharsets.US_ASCII));
      assertThat(sameFirst72).as(f.format()).isEqualTo(f.format().equals("bcrypt_2b"));
    }
  }

  @Test
  void unknown_and_malformed_hashes_are_refused_with_a_reason() {
    for (String bad :
        List.of(
            "",
            "plaintext",
            "$1$saltsalt$md5cryptisnotsupported",
            "{SSHA}notsupported",
            "$2x$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a",
            "$2y$10$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1",
            "$2b$31$.vGA1O9wmRjrwAVXD98HNOgsNpDczlqm3Jq7KnEd1rVAGv3Fykk1a",
            "$pbkdf2-sha256$29000$HMN4790b4/wf4/y/1xpjrA$DUK5Ns",
            "$pbkdf2-sha256$999999999$HMN4790b4/wf4/y/1xpjrA$DUK5NsfRPzerIHBK4EYu7oRMxHdRcbFD/xWv2QLjJC0",
            "$pbkdf2-sha384$29000$HMN4790b4/wf4/y/1xpjrA$DUK5NsfRPzerIHBK4EYu7oRMxHdRcbFD/xWv2QLjJC0",
            "pbkdf2:sha256$1XKMlaCKCBgXLYjK$c4a56d47a073cc872c355fde0f18a57f8e96e8573eee44628f947a454f3910",
            "scrypt:1073741824:8:1$QWW5HCiC83EjtAZt$959cdbcff28d235cf446a5cf5b0b465e",
            "$scrypt$ln=14,r=8,p=1$uLd2LoVQ6j2nlLLWOidkDA$5SWX*",
            "$6$rounds=656000$624TeG4tgAKjhFUB$tooshort",
            "$argon2id$v=19$m=4294967,t=2,p=1$da6VsjamtBbifM9Zi9H63w$Q9W78xdn9TKT2MnS21eA9g",
            "$argon2d$v=19$m=65536,t=2,p=1$da6VsjamtBbifM9Zi9H63w$Q9W78xdn9TKT2MnS21eA9g",
            "bcrypt_sha256$$2b$12$g8a1qZ072ft8gXMuDbmmvu1Lfu",
            "$firebase-scrypt$42xEC+ixf3L2lw==$c2hvcnQ=",
            "$2b$10$B9PvMhiBbwXriMIBTpyynOuZ.qCaeL18X9l2hbnRaTGDRERhr741i\n")) {
      assertThatThrownBy(() -> LegacyHash.parse(bad, FIREBASE))
          .as(bad)
          .isInstanceOf(LegacyHash.UnusableHashException.class)
          .hasMessageNotContaining(bad.isEmpty() ? "\u0000" : bad);
    }
  }

  @Test
  void salted_sha_hashes_are_checked_with_the_configured_layout() {
    // Made with OpenSSL 3.0.19: printf 'SALT''PASSWORD' | openssl dgst -sha256 (or -sha512, and
    // -binary | base64), salt "pepper-and-salt", password "correct horse battery staple".
    LegacyHashSettings saltFirst =
        new LegacyHashSettings(null, LegacyHashSettings.SaltedSha.of("salt_password", "text"));
    LegacyHashSettings passwordFirst =
        new LegacyHashSettings(null, LegacyHashSettings.SaltedSha.of("password_salt", "text"));
    byte[] right = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    String sha256 =
        "$salted-sha256$pepper-and-salt$0827653dc5b039eb370a6be768ed409f5236f958a5a1ad8ba7eeb6edce9c515e";
    String sha512Base64 =
        "$salted-sha512$pepper-and-salt$QfAyBNv3mzNwgtW4+DxoJUjE1K4R6C5aybU7MmCRaeusEBvkQ5i7UDm838hoXEOtwHyWkTrQ7krMmq48MvT/kw==";
    String sha512PasswordFirst =
        "$salted-sha512$pepper-and-salt$528dc82ba79a048179d178bb2c7d7a29837dee3c214e116af412c8a44982113372f70c910b2ad127bda1a50d4b15a74ee2a0855b54c5cc8a4175299e501dc78b";

    assertThat(LegacyHash.parse(sha256, saltFirst).matches(right)).isTrue();
    assertThat(LegacyHash.parse(sha512Base64, saltFirst).matches(right)).isTrue();
    assertThat(LegacyHash.parse(sha512PasswordFirst, passwordFirst).matches(right)).isTrue();
    assertThat(LegacyHash.parse(sha256, passwordFirst).matches(right)).isFalse();
    assertThat(
            LegacyHash.parse(sha256, saltFirst).matches("wrong".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThatThrownBy(() -> LegacyHash.parse(sha256, LegacyHashSettings.NONE))
        .isInstanceOf(LegacyHash.UnusableHashException.class)
        .hasMessageContaining("passwords.import.salted_sha");
    assertThatThrownBy(() -> LegacyHash.parse("$salted-sha256$s$0827653d", saltFirst))
        .isInstanceOf(LegacyHash.UnusableHashException.class);
  }

  @Test
  void a_firebase_hash_without_the_projects_parameters_is_refused() {
    assertThatThrownBy(
            () ->
                LegacyHash.parse(
                    "$firebase-scrypt$42xEC+ixf3L2lw==$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==",
                    LegacyHashSettings.NONE))
        .isInstanceOf(LegacyHash.UnusableHashException.class)
        .hasMessageContaining("passwords.import.firebase");
  }

  @Test
  void the_hasher_checks_a_legacy_hash_and_hands_back_its_argon2id_replacement()
      throws IOException {
    PasswordHasher hasher =
        new PasswordHasher(
            new HashParameters(8192, 1, 1), new Secrets(new SecureRandom()), FIREBASE);
    Fixture django =
        fixtures().stream()
            .filter(f -> f.format().equals("django_pbkdf2_sha256"))
            .findFirst()
            .orElseThrow();
    PasswordHasher.Check right = hasher.check(Password.of(django.password()), django.hash());
    assertThat(right.matched()).isTrue();
    assertThat(right.upgrade()).startsWith("$argon2id$v=19$m=8192,t=1,p=1$");
    assertThat(hasher.check(Password.of(django.password()), right.upgrade()))
        .isEqualTo(new PasswordHasher.Check(true, null));

    PasswordHasher.Check wrong = hasher.check(Password.of("not it"), django.hash());
    assertThat(wrong).isEqualTo(new PasswordHasher.Check(false, null));
    assertThat(hasher.check(Password.of(django.password()), "md5$nothing$known"))
        .isEqualTo(new PasswordHasher.Check(false, null));
  }

  @Test
  void argon2id_with_several_lanes_from_another_tool_verifies_on_a_one_lane_hasher()
      throws IOException {
    PasswordHasher hasher =
        new PasswordHasher(new HashParameters(8192, 1, 1), new Secrets(new SecureRandom()));
    Fixture passlib =
        fixtures().stream().filter(f -> f.format().equals("argon2id")).findFirst().orElseThrow();
    assertThat(passlib.hash()).contains(",p=8$");
    PasswordHasher.Check check = hasher.check(Password.of(passlib.password()), passlib.hash());
    assertThat(check.matched()).isTrue();
    assertThat(check.upgrade()).startsWith("$argon2id$v=19$m=8192,t=1,p=1$");
  }

  @Test
  void usable_hashes_pass_the_import_check_and_unusable_ones_say_why() throws IOException {
    PasswordHasher hasher =
        new PasswordHasher(
            new HashParameters(8192, 1, 1), new Secrets(new SecureRandom()), FIREBASE);
    for (Fixture f : fixtures()) {
      hasher.requireUsable(f.hash());
    }
    hasher.requireUsable(hasher.hash(Password.of("own hashes too")));
    assertThatThrownBy(() -> hasher.requireUsable("md5$x$y"))
        .isInstanceOf(LegacyHash.UnusableHashException.class)
        .hasMessage("unknown hash format");
  }
}
