package org.userman.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.Userman;
import org.userman.UsermanConfig;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.mail.QueuedMail;
import org.userman.password.HashParameters;
import org.userman.password.Password;
import org.userman.session.LoginResult;

/**
 * A credential change made through a session is checked in the transaction that writes it, not only
 * when the request came in: once a recovery (or a sign-out everywhere) has ended the session, the
 * change is refused, whoever calls the library and however late.
 */
class CredentialChangesTest {
  private static final ClientInfo CLIENT = new ClientInfo("192.0.2.30", "credential changes test");
  private static final String EMAIL = "ada@example.org";
  private static final Password PASSWORD = Password.of("analytical engine, 1837");
  private static final Password NEXT = Password.of("difference engine no. 2");

  @TempDir Path dataDir;
  private Userman userman;
  private User user;

  @BeforeEach
  void open() {
    UsermanConfig config =
        UsermanConfig.embedded(dataDir, "https://accounts.example.org").toBuilder()
            .hashing(
                new HashParameters(8, 1, 1),
                true) // the cheapest Argon2id: these tests are not about hashing
            .build();
    userman = Userman.open(config);
    user = userman.accounts().create(NewUser.of(EMAIL, PASSWORD), true, Actor.COMMAND_LINE);
  }

  @AfterEach
  void close() {
    userman.close();
  }

  @Test
  void changes_through_a_live_session_go_through() {
    Actor actor = signIn();
    userman.apiKeys().create(user.id(), "ci", null, actor);
    userman.accounts().requestEmailChange(user.id(), "ada@example.com", PASSWORD, actor);
    userman.accounts().changePassword(user.id(), actor.sessionId(), PASSWORD, NEXT, actor);

    assertThat(userman.apiKeys().list(user.id())).hasSize(1);
    assertThat(mailsTo("ada@example.com")).isEqualTo(1);
    assertThat(userman.sessions().login(EMAIL, null, NEXT, "check", CLIENT).user().id())
        .isEqualTo(user.id());
  }

  @Test
  void changes_through_an_ended_session_are_refused_and_change_nothing() {
    Actor actor = signIn();
    userman
        .sessions()
        .revokeAll(user.id(), Actor.COMMAND_LINE); // as a password reset elsewhere does

    assertUnauthenticated(() -> userman.apiKeys().create(user.id(), "ci", null, actor));
    assertUnauthenticated(
        () -> userman.accounts().requestEmailChange(user.id(), "ada@example.com", PASSWORD, actor));
    assertUnauthenticated(
        () ->
            userman.accounts().changePassword(user.id(), actor.sessionId(), PASSWORD, NEXT, actor));

    assertThat(userman.apiKeys().list(user.id())).isEmpty();
    assertThat(mailsTo("ada@example.com")).as("no confirmation mail to the new address").isZero();
    assertThat(userman.sessions().login(EMAIL, null, PASSWORD, "check", CLIENT).user().id())
        .as("the password is the old one")
        .isEqualTo(user.id());
  }

  @Test
  void a_session_id_that_names_no_session_counts_as_ended() {
    Actor actor = new Actor(user.id(), "no-such-session", CLIENT);
    assertUnauthenticated(
        () -> userman.apiKeys().create(user.id(), "ci", Instant.now().plusSeconds(3600), actor));
    assertThat(userman.apiKeys().list(user.id())).isEmpty();
  }

  private Actor signIn() {
    LoginResult login = userman.sessions().login(EMAIL, null, PASSWORD, "laptop", CLIENT);
    return new Actor(user.id(), login.session().id(), CLIENT);
  }

  private long mailsTo(String to) {
    return userman.mailQueue().list(null, 100, null).items().stream()
        .map(QueuedMail::to)
        .filter(to::equals)
        .count();
  }

  private static void assertUnauthenticated(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            UsermanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
  }
}
