package org.userman.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.userman.server.config.TrustedProxies;

class TrustedProxiesTest {
  private final TrustedProxies proxies =
      TrustedProxies.parse(List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"));

  @Test
  void the_client_is_the_rightmost_untrusted_hop_and_only_behind_a_trusted_peer() {
    assertThat(proxies.client("10.1.2.3", "203.0.113.5")).isEqualTo("203.0.113.5");
    assertThat(proxies.client("10.1.2.3", "198.51.100.1, 203.0.113.5, 10.9.9.9"))
        .isEqualTo("203.0.113.5");
    assertThat(proxies.client("192.0.2.7", "203.0.113.5")).isEqualTo("203.0.113.5");
    assertThat(proxies.client("2001:db8::1", "203.0.113.5")).isEqualTo("203.0.113.5");
    assertThat(proxies.client("192.0.2.8", "203.0.113.5"))
        .as("not a trusted peer")
        .isEqualTo("192.0.2.8");
    assertThat(proxies.client("11.0.0.1", "203.0.113.5")).isEqualTo("11.0.0.1");
    assertThat(proxies.client("10.1.2.3", null)).isEqualTo("10.1.2.3");
    assertThat(proxies.client("10.1.2.3", "10.2.2.2, 10.3.3.3"))
        .as("all trusted: the peer")
        .isEqualTo("10.1.2.3");
    assertThat(proxies.client("10.1.2.3", "203.0.113.5, example.org"))
        .as("an unreadable hop")
        .isEqualTo("10.1.2.3");
    assertThat(proxies.client("10.1.2.3", "999.1.1.1")).isEqualTo("10.1.2.3");
    assertThat(TrustedProxies.none().client("10.1.2.3", "203.0.113.5")).isEqualTo("10.1.2.3");
  }

  @Test
  void entries_must_be_ip_literals_with_a_sane_prefix() {
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("proxy.example.org")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0/8")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
