package org.userman.mfa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.Userman;
import org.userman.UsermanConfig;
import org.userman.account.NewUser;
import org.userman.account.User;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.mfa.SecondFactorProof;
import org.userman.mfa.TotpEnrolment;
import org.userman.password.HashParameters;
import org.userman.password.Password;
import org.userman.session.LoginResult;
import org.userman.session.SecondFactorChallenge;
import org.userman.testkit.MutableClock;

/** Second factors as a program that embeds the library meets them. */
class SecondFactorsLibraryTest {
  private static final ClientInfo CLIENT = new ClientInfo("192.0.2.40", "second factors test");
  private static final String EMAIL = "ada@example.org";
  private static final Password PASSWORD = Password.of("analytical engine, 1837");

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
  private Userman userman;
  private User user;

  @BeforeEach
  void open() {
    UsermanConfig config =
        UsermanConfig.embedded(dataDir, "https://accounts.example.org").toBuilder()
            .hashing(new HashParameters(8, 1, 1), true)
            .build();
    userman = Userman.open(config, clock, new SecureRandom());
    user = userman.accounts().create(NewUser.of(EMAIL, PASSWORD), true, Actor.COMMAND_LINE);
  }

  @AfterEach
  void close() {
    userman.close();
  }

  private String codeNow(String secret) {
    return Totp.code(Totp.fromBase32(secret), Totp.step(clock.instant()));
  }

  @Test
  void one_step_login_refuses_an_account_with_a_second_factor_and_two_steps_complete_it() {
    Actor actor = new Actor(user.id(), CLIENT);
    TotpEnrolment e = userman.secondFactors().beginTotp(user.id(), PASSWORD, actor);
    assertThat(userman.secondFactors().pendingTotp(user.id())).contains(e);
    assertThat(userman.secondFactors().confirmTotp(user.id(), codeNow(e.secret()), actor).codes())
        .hasSize(10);
    assertThat(userman.secondFactors().pendingTotp(user.id())).isEmpty();

    assertThatThrownBy(() -> userman.sessions().login(EMAIL, null, PASSWORD, "cli", CLIENT))
        .isInstanceOf(UsermanException.class)
        .extracting(t -> ((UsermanException) t).code())
        .isEqualTo(ErrorCode.SECOND_FACTOR_REQUIRED);
    SecondFactorChallenge challenge =
        (SecondFactorChallenge) userman.sessions().signIn(EMAIL, null, PASSWORD, "cli", CLIENT);
    clock.advance(Duration.ofSeconds(30));
    LoginResult done =
        userman
            .sessions()
            .completeSignIn(
                challenge.challenge(), SecondFactorProof.totp(codeNow(e.secret())), CLIENT);
    assertThat(done.session().amr()).containsExactly("pwd", "otp", "mfa");
    assertThat(done.session().device()).isEqualTo("cli");
  }

  @Test
  void signing_out_everywhere_ends_the_sign_ins_that_wait_for_a_code() {
    Actor actor = new Actor(user.id(), CLIENT);
    TotpEnrolment e = userman.secondFactors().beginTotp(user.id(), PASSWORD, actor);
    userman.secondFactors().confirmTotp(user.id(), codeNow(e.secret()), actor);
    SecondFactorChallenge challenge =
        (SecondFactorChallenge) userman.sessions().signIn(EMAIL, null, PASSWORD, null, CLIENT);
    userman.sessions().revokeAll(user.id(), Actor.COMMAND_LINE);
    clock.advance(Duration.ofSeconds(30));
    assertThatThrownBy(
            () ->
                userman
                    .sessions()
                    .completeSignIn(
                        challenge.challenge(), SecondFactorProof.totp(codeNow(e.secret())), CLIENT))
        .extracting(t -> ((UsermanException) t).code())
        .isEqualTo(ErrorCode.INVALID_CHALLENGE);
  }
}
