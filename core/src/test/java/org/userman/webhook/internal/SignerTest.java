package org.userman.webhook.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignerTest {

  /** The example of the Standard Webhooks reference libraries' tests. */
  @Test
  void signs_the_reference_example_as_the_standard_webhooks_libraries_do() {
    String header =
        Signer.header(
            List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            "{\"test\": 2432232314}");
    assertThat(header).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void a_new_secret_is_whsec_and_32_bytes() {
    String secret = Signer.newSecret(new byte[32]);
    assertThat(secret).startsWith("whsec_");
    assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
  }

  @Test
  void only_public_addresses_are_targets() throws Exception {
    for (String a :
        List.of(
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "224.0.0.1")) {
      assertThat(Targets.isPublic(InetAddress.getAllByName(a)[0])).as(a).isFalse();
    }
    for (String a : List.of("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")) {
      assertThat(Targets.isPublic(InetAddress.getAllByName(a)[0])).as(a).isTrue();
    }
  }

  @Test
  void a_name_that_resolves_to_loopback_is_refused_before_any_request() {
    Outbound outbound = new Outbound(org.userman.webhook.WebhookSettings.defaults());
    Outbound.Result r =
        outbound.post(java.net.URI.create("http://localhost:9/hook"), List.of(), "{}");
    assertThat(r.delivered()).isFalse();
    assertThat(r.error()).startsWith("refused:");
    outbound.close();
  }
}
