package org.userman.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.userman.client.TokenVerifierTest.assertRefused;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.client.InvalidTokenException.Reason;

class IntrospectorTest {
  private static final String API_KEY = "um_live_abc+def/ghi=";

  private FakeIssuer issuer;

  @BeforeEach
  void start() throws Exception {
    issuer = new FakeIssuer();
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  private Map<String, Object> active(String subject, Duration lifetime) {
    return Map.of(
        "active",
        true,
        "iss",
        issuer.issuer(),
        "sub",
        subject,
        "roles",
        List.of("reader"),
        "client_id",
        "reporting",
        "exp",
        issuer.clock.instant().plus(lifetime).getEpochSecond());
  }

  @Test
  void an_active_token_names_its_caller() throws Exception {
    issuer.introspects(API_KEY, active("u9", Duration.ofHours(1)));

    Caller caller = issuer.introspector().build().verify(API_KEY);

    assertThat(caller.subject()).isEqualTo("u9");
    assertThat(caller.roles()).containsExactly("reader");
    assertThat(caller.sessionId()).isNull();
    assertThat(caller.stringClaim("client_id")).contains("reporting");
    // the token goes form-encoded in the body, as RFC 7662 says
    assertThat(issuer.introspectedBodies).containsExactly("token=um_live_abc%2Bdef%2Fghi%3D");
  }

  @Test
  void an_inactive_token_is_refused() {
    assertRefused(() -> issuer.introspector().build().verify("revoked"), Reason.INACTIVE);
  }

  @Test
  void answers_are_kept_for_the_cache_time_then_asked_again() throws Exception {
    issuer.introspects(API_KEY, active("u9", Duration.ofHours(1)));
    Introspector introspector = issuer.introspector().cacheTtl(Duration.ofSeconds(10)).build();

    introspector.verify(API_KEY);
    issuer.clock.advance(Duration.ofSeconds(9));
    introspector.verify(API_KEY);
    assertRefused(() -> introspector.verify("unknown"), Reason.INACTIVE);
    assertRefused(() -> introspector.verify("unknown"), Reason.INACTIVE);
    assertThat(issuer.introspections).hasValue(2);

    issuer.clock.advance(Duration.ofSeconds(1));
    introspector.verify(API_KEY);
    assertThat(issuer.introspections).hasValue(3);
  }

  @Test
  void a_revocation_is_seen_once_the_cached_answer_expires() throws Exception {
    issuer.introspects(API_KEY, active("u9", Duration.ofHours(1)));
    Introspector introspector = issuer.introspector().cacheTtl(Duration.ofSeconds(5)).build();
    introspector.verify(API_KEY);

    issuer.introspects(API_KEY, Map.of("active", false));
    issuer.clock.advance(Duration.ofSeconds(5));

    assertRefused(() -> introspector.verify(API_KEY), Reason.INACTIVE);
  }

  @Test
  void a_cached_answer_ends_with_the_token() throws Exception {
    issuer.introspects(API_KEY, active("u9", Duration.ofSeconds(3)));
    Introspector introspector = issuer.introspector().cacheTtl(Duration.ofSeconds(10)).build();
    introspector.verify(API_KEY);

    issuer.clock.advance(Duration.ofSeconds(3));

    assertRefused(() -> introspector.verify(API_KEY), Reason.EXPIRED);
    assertThat(issuer.introspections).hasValue(2);
  }

  @Test
  void wrong_client_credentials_make_tokens_unverifiable_and_are_not_cached() {
    issuer.introspects(API_KEY, active("u9", Duration.ofHours(1)));
    Introspector introspector =
        Introspector.builder(issuer.issuer(), FakeIssuer.CLIENT_ID, "wrong")
            .clock(issuer.clock)
            .build();

    assertRefused(() -> introspector.verify(API_KEY), Reason.UNAVAILABLE);
    assertRefused(() -> introspector.verify(API_KEY), Reason.UNAVAILABLE);
    assertThat(issuer.introspections).hasValue(2);
  }

  @Test
  void an_active_token_for_another_audience_or_issuer_is_refused() {
    issuer.introspects("a", Map.of("active", true, "sub", "u1", "aud", "billing"));
    issuer.introspects("b", Map.of("active", true, "sub", "u1", "iss", "https://other.example"));

    assertRefused(
        () -> issuer.introspector().audience("orders").build().verify("a"), Reason.WRONG_AUDIENCE);
    assertRefused(() -> issuer.introspector().build().verify("b"), Reason.WRONG_ISSUER);
  }

  @Test
  void the_cache_time_is_bounded() {
    assertThatThrownBy(() -> issuer.introspector().cacheTtl(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jwts_are_verified_locally_and_api_keys_introspected() throws Exception {
    var key = issuer.publish(FakeIssuer.newKey("k1"));
    issuer.introspects(API_KEY, active("u9", Duration.ofHours(1)));
    BearerVerifier both =
        BearerVerifier.jwtOrIntrospection(issuer.verifier().build(), issuer.introspector().build());

    assertThat(both.verify(issuer.token(key)).subject()).isEqualTo("u1");
    assertThat(issuer.introspections).hasValue(0);
    assertThat(both.verify(API_KEY).subject()).isEqualTo("u9");
    assertThat(issuer.introspections).hasValue(1);
  }
}
