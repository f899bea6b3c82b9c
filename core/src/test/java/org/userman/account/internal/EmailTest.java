package org.userman.account.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailTest {

  @Test
  void accepts_ordinary_addresses_and_folds_their_case() {
    Email e = Email.parse("email", "  Ada.Lovelace+news@Example.ORG ");
    assertThat(e.value()).isEqualTo("Ada.Lovelace+news@Example.ORG");
    assertThat(e.normalized()).isEqualTo("ada.lovelace+news@example.org");
  }

  @Test
  void look_alike_compositions_fold_to_one_address() {
    assertThat(Email.parse("email", "JOS\u00c9@example.org").normalized())
        .isEqualTo(Email.parse("email", "jose\u0301@example.org").normalized());
    assertThat(Email.parse("email", "\uff41da@example.org").normalized())
        .isEqualTo("ada@example.org");
  }

  @Test
  void rejects_what_is_not_an_address() {
    for (String bad :
        new String[] {
          "",
          "ada",
          "ada@",
          "@example.org",
          "ada@example",
          "a b@example.org",
          "ada@@example.org",
          "ada@example.org.",
          "<ada@example.org>",
          "ada@exa\nmple.org",
          "x".repeat(65) + "@example.org"
        }) {
      assertThat(Email.check("email", bad)).as(bad).isPresent();
    }
    assertThat(Email.check("email", null).orElseThrow().code()).isEqualTo("required");
  }

  @Test
  void usernames_are_folded_and_limited() {
    assertThat(Username.normalize("Ada_L")).isEqualTo("ada_l");
    assertThat(Username.check("username", "Ada_L")).isEmpty();
    assertThat(Username.check("username", "ada lovelace")).isPresent();
    assertThat(Username.check("username", "a".repeat(65))).isPresent();
    assertThat(Username.check("username", "")).isPresent();
  }
}
