package org.userman.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.common.InvalidSettingException;

class PasskeySettingsTest {
  @Test
  void the_relying_party_follows_the_public_url_unless_set() {
    PasskeySettings r = PasskeySettings.FROM_PUBLIC_URL.resolve("https://Login.Example.org:8443/u");
    assertThat(r.rpId()).isEqualTo("login.example.org");
    assertThat(r.origins()).containsExactly("https://login.example.org:8443");

    PasskeySettings set =
        new PasskeySettings(
                "example.org", List.of("https://login.example.org", "https://example.org"))
            .resolve("https://login.example.org");
    assertThat(set.rpId()).isEqualTo("example.org");
    assertThat(set.origins()).containsExactly("https://login.example.org", "https://example.org");
  }

  @Test
  void an_origin_off_the_relying_party_id_or_with_a_path_is_refused_naming_the_key() {
    assertThatThrownBy(
            () ->
                new PasskeySettings("example.org", List.of("https://example.com"))
                    .resolve("https://example.org"))
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageContaining("passkeys.origins");
    // a suffix of the name is not a parent domain
    assertThatThrownBy(
            () ->
                new PasskeySettings("example.org", List.of("https://badexample.org"))
                    .resolve("https://example.org"))
        .hasMessageContaining("passkeys.origins");
    assertThatThrownBy(() -> new PasskeySettings(null, List.of("https://example.org/login")))
        .hasMessageContaining("passkeys.origins");
    assertThatThrownBy(() -> new PasskeySettings("Example.org", List.of()))
        .hasMessageContaining("passkeys.rp_id");
    assertThatThrownBy(
            () -> new PasskeySettings("other.org", List.of()).resolve("https://example.org"))
        .hasMessageContaining("passkeys.rp_id");
  }
}
