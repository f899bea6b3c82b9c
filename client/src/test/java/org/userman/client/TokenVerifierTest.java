package org.userman.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userman.client.InvalidTokenException.Reason;

class TokenVerifierTest {
  private FakeIssuer issuer;
  private ECKey key;

  @BeforeEach
  void start() throws Exception {
    issuer = new FakeIssuer();
    key = issuer.publish(FakeIssuer.newKey("k1"));
  }

  @AfterEach
  void stop() {
    issuer.close();
  }

  @Test
  void a_valid_token_is_accepted_and_names_its_caller() throws Exception {
    String token =
        issuer.token(
            key,
            c ->
                c.claim("org_id", "o7")
                    .claim("org_roles", List.of("billing"))
                    .claim("client_id", "cli"));

    Caller caller = issuer.verifier().build().verify(token);

    assertThat(caller.subject()).isEqualTo("u1");
    assertThat(caller.sessionId()).isEqualTo("s1");
    assertThat(caller.roles()).containsExactlyInAnyOrder("user", "admin");
    assertThat(caller.orgId()).isEqualTo("o7");
    assertThat(caller.orgRoles()).containsExactly("billing");
    assertThat(caller.expiresAt()).isEqualTo(issuer.clock.instant().plus(Duration.ofMinutes(15)));
    assertThat(caller.stringClaim("client_id")).contains("cli");
    assertThat(caller.claim("amr")).contains(List.of("pwd"));
    assertThat(caller.hasRoles("admin", "user")).isTrue();
    assertThat(caller.hasRoles("admin", "auditor")).isFalse();
    assertThat(caller.hasOrgRoles("billing")).isTrue();
    assertThatThrownBy(() -> caller.claims().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void a_token_without_session_or_organization_has_none() throws Exception {
    Caller caller =
        issuer
            .verifier()
            .build()
            .verify(issuer.token(key, c -> c.claim("sid", null).claim("roles", null)));

    assertThat(caller.sessionId()).isNull();
    assertThat(caller.roles()).isEmpty();
    assertThat(caller.orgId()).isNull();
    assertThat(caller.hasOrgRoles()).isFalse();
  }

  @Test
  void a_token_from_another_issuer_is_refused() {
    String token = issuer.token(key, c -> c.issuer("https://elsewhere.example"));

    assertRefused(() -> issuer.verifier().build().verify(token), Reason.WRONG_ISSUER);
  }

  @Test
  void a_token_for_another_audience_or_none_is_refused_when_an_audience_is_set() throws Exception {
    TokenVerifier verifier = issuer.verifier().audience("orders").build();

    assertRefused(
        () -> verifier.verify(issuer.token(key, c -> c.audience("billing"))),
        Reason.WRONG_AUDIENCE);
    assertRefused(() -> verifier.verify(issuer.token(key)), Reason.WRONG_AUDIENCE);
    assertThat(verifier.verify(issuer.token(key, c -> c.audience(List.of("billing", "orders")))))
        .isNotNull();
  }

  @Test
  void a_token_expires_at_its_expiry_plus_the_clock_skew() throws Exception {
    TokenVerifier verifier = issuer.verifier().clockSkew(Duration.ofSeconds(30)).build();
    String token = issuer.token(key);

    issuer.clock.advance(Duration.ofMinutes(15).plusSeconds(29));
    assertThat(verifier.verify(token).subject()).isEqualTo("u1");

    issuer.clock.advance(Duration.ofSeconds(1));
    assertRefused(() -> verifier.verify(token), Reason.EXPIRED);
  }

  @Test
  void a_token_issued_in_the_future_is_refused() {
    String token =
        issuer.token(key, c -> c.issueTime(Date.from(issuer.clock.instant().plusSeconds(120))));

    assertRefused(() -> issuer.verifier().build().verify(token), Reason.NOT_YET_VALID);
  }

  @Test
  void a_token_without_expiry_or_subject_is_refused() {
    TokenVerifier verifier = issuer.verifier().build();

    assertRefused(
        () -> verifier.verify(issuer.token(key, c -> c.expirationTime(null))), Reason.MALFORMED);
    assertRefused(() -> verifier.verify(issuer.token(key, c -> c.subject(null))), Reason.MALFORMED);
  }

  @Test
  void an_hs256_token_keyed_with_the_public_key_is_refused() throws Exception {
    // The classic confusion: a verifier that took the alg from the token would check this HMAC
    // with the public key, which anyone has.
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
    forged.sign(new MACSigner(key.toECPublicKey().getEncoded()));

    assertRefused(
        () -> issuer.verifier().build().verify(forged.serialize()), Reason.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void an_unsigned_token_is_refused() {
    String none = new PlainJWT(claims().build()).serialize();

    assertRefused(() -> issuer.verifier().build().verify(none), Reason.ALGORITHM_NOT_ALLOWED);
  }

  @Test
  void a_token_signed_by_another_key_under_a_known_kid_is_refused() {
    String token = issuer.token(FakeIssuer.newKey("k1"));

    assertRefused(() -> issuer.verifier().build().verify(token), Reason.BAD_SIGNATURE);
  }

  @Test
  void a_token_whose_claims_were_changed_is_refused() {
    String[] parts = issuer.token(key).split("\\.", -1);
    String otherClaims = issuer.token(key, c -> c.subject("u2")).split("\\.", -1)[1];

    assertRefused(
        () -> issuer.verifier().build().verify(parts[0] + "." + otherClaims + "." + parts[2]),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void an_rs256_token_passes_only_where_rs256_is_allowed() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("r1").generate();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("r1").build(), claims().build());
    jwt.sign(new RSASSASigner(rsa));
    issuer.publish(rsa);

    assertRefused(
        () -> issuer.verifier().build().verify(jwt.serialize()), Reason.ALGORITHM_NOT_ALLOWED);
    assertThat(issuer.verifier().algorithms("ES256", "RS256").build().verify(jwt.serialize()))
        .extracting(Caller::subject)
        .isEqualTo("u1");
  }

  @Test
  void the_verifier_refuses_symmetric_algorithms() {
    assertThatThrownBy(() -> issuer.verifier().algorithms("HS256"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void an_unknown_kid_triggers_one_refetch_and_a_second_within_the_interval_none()
      throws Exception {
    TokenVerifier verifier = issuer.verifier().refetchMinInterval(Duration.ofSeconds(30)).build();
    verifier.verify(issuer.token(key));
    assertThat(issuer.jwksFetches).hasValue(1);

    issuer.clock.advance(Duration.ofSeconds(31));
    assertRefused(() -> verifier.verify(issuer.token(FakeIssuer.newKey("x1"))), Reason.UNKNOWN_KEY);
    assertThat(issuer.jwksFetches).hasValue(2);

    issuer.clock.advance(Duration.ofSeconds(29));
    assertRefused(() -> verifier.verify(issuer.token(FakeIssuer.newKey("x2"))), Reason.UNKNOWN_KEY);
    assertThat(issuer.jwksFetches).hasValue(2);

    issuer.clock.advance(Duration.ofSeconds(1));
    assertRefused(() -> verifier.verify(issuer.token(FakeIssuer.newKey("x3"))), Reason.UNKNOWN_KEY);
    assertThat(issuer.jwksFetches).hasValue(3);
  }

  @Test
  void a_rotated_key_is_picked_up_with_one_fetch() throws Exception {
    TokenVerifier verifier = issuer.verifier().build();
    verifier.verify(issuer.token(key));
    ECKey next = issuer.publish(FakeIssuer.newKey("k2"));
    issuer.clock.advance(Duration.ofMinutes(1));

    assertThat(verifier.verify(issuer.token(next)).subject()).isEqualTo("u1");
    assertThat(verifier.verify(issuer.token(key)).subject()).isEqualTo("u1");
    assertThat(verifier.verify(issuer.token(next)).subject()).isEqualTo("u1");
    assertThat(issuer.jwksFetches).hasValue(2);
  }

  @Test
  void a_key_the_issuer_dropped_stops_vouching_once_the_set_is_old() throws Exception {
    TokenVerifier verifier = issuer.verifier().keysMaxAge(Duration.ofMinutes(10)).build();
    ECKey next = issuer.publish(FakeIssuer.newKey("k2"));
    verifier.verify(issuer.token(key));
    issuer.unpublish("k1");

    issuer.clock.advance(Duration.ofMinutes(9));
    assertThat(verifier.verify(issuer.token(key)).subject()).isEqualTo("u1");

    issuer.clock.advance(Duration.ofMinutes(1));
    assertRefused(() -> verifier.verify(issuer.token(key)), Reason.UNKNOWN_KEY);
    assertThat(verifier.verify(issuer.token(next)).subject()).isEqualTo("u1");
  }

  @Test
  void unreachable_keys_make_the_token_unverifiable_not_invalid() {
    issuer.jwksDown = true;

    assertRefused(() -> issuer.verifier().build().verify(issuer.token(key)), Reason.UNAVAILABLE);
  }

  @Test
  void the_last_good_key_set_serves_while_the_issuer_is_down() throws Exception {
    TokenVerifier verifier = issuer.verifier().build();
    verifier.verify(issuer.token(key));
    issuer.jwksDown = true;
    issuer.clock.advance(Duration.ofMinutes(11));

    assertThat(verifier.verify(issuer.token(key)).subject()).isEqualTo("u1");
    assertThat(issuer.jwksFetches).hasValue(2);
  }

  @Test
  void garbage_is_malformed() {
    TokenVerifier verifier = issuer.verifier().build();

    assertRefused(() -> verifier.verify("not-a-token"), Reason.MALFORMED);
    assertRefused(() -> verifier.verify("a".repeat(20_000)), Reason.MALFORMED);
    assertThat(issuer.jwksFetches).hasValue(0);
  }

  private JWTClaimsSet.Builder claims() {
    Instant now = issuer.clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(issuer.issuer())
        .subject("u1")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(600)));
  }

  static void assertRefused(ThrowingCallable call, Reason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            InvalidTokenException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
