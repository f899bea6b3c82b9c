package org.userman.example;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userman.Userman;
import org.userman.UsermanConfig;
import org.userman.account.User;
import org.userman.account.UserStatus;
import org.userman.audit.AuditEvent;
import org.userman.audit.AuditQuery;
import org.userman.audit.AuditType;
import org.userman.common.ClientInfo;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.password.Password;

/**
 * The program that docs/embedding.md shows runs, does what the page says, and is the page's block.
 */
class EmbeddingExampleTest {
  private static final String SOURCE =
      "core/src/test/java/org/userman/example/EmbeddingExample.java";
  private static final String BEGIN = "<!-- begin " + SOURCE + " -->\n```java\n";
  private static final String END = "```\n<!-- end " + SOURCE + " -->";
  private static final ClientInfo CLIENT = new ClientInfo("192.0.2.20", "embedding example test");

  @Test
  void example_registers_verifies_signs_in_resets_the_password_and_signs_out(@TempDir Path dataDir)
      throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    EmbeddingExample.run(dataDir, new PrintStream(printed, true, UTF_8));

    assertThat(dataDir.resolve("encryption.key"))
        .as("the key file the library makes")
        .isRegularFile();
    try (Userman userman =
        Userman.open(UsermanConfig.embedded(dataDir, "https://accounts.example.org"))) {
      User user = userman.accounts().findByEmail(EmbeddingExample.EMAIL).orElseThrow();
      assertThat(user.status()).isEqualTo(UserStatus.ACTIVE);
      assertThat(user.emailVerified()).isTrue();
      assertThat(userman.sessions().list(user.id())).as("sessions after sign-out").isEmpty();
      assertThat(printed.toString(UTF_8).lines())
          .containsExactly(
              "registered " + user.id() + ": PENDING",
              "email verified: ACTIVE",
              "access token of " + user.id() + " in session " + firstSessionId(userman, user.id()),
              "password reset; the old access token is refused",
              "signed out; live sessions: 0");
      assertThat(auditTrail(userman, user.id()))
          .containsExactly(
              AuditType.REGISTERED,
              AuditType.EMAIL_VERIFIED,
              AuditType.LOGIN_SUCCEEDED,
              AuditType.PASSWORD_RESET,
              AuditType.LOGIN_SUCCEEDED,
              AuditType.LOGOUT);

      assertThatThrownBy(
              () ->
                  userman
                      .sessions()
                      .login(
                          EmbeddingExample.EMAIL,
                          null,
                          Password.of(EmbeddingExample.FIRST_PASSWORD),
                          "test",
                          CLIENT))
          .isInstanceOfSatisfying(
              UsermanException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));
      assertThat(
              userman
                  .sessions()
                  .login(
                      EmbeddingExample.EMAIL,
                      null,
                      Password.of(EmbeddingExample.NEW_PASSWORD),
                      "test",
                      CLIENT)
                  .user()
                  .id())
          .isEqualTo(user.id());
    }
  }

  @Test
  void docs_embedding_md_shows_the_example_source_exactly() throws IOException {
    Path root = projectRoot();
    String source = Files.readString(root.resolve(SOURCE), UTF_8);
    String doc = Files.readString(root.resolve("docs/embedding.md"), UTF_8);

    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin)
        .as("the block's opening marker and fence in docs/embedding.md")
        .isNotNegative();
    assertThat(doc.indexOf(BEGIN, begin + 1)).as("a second opening marker").isNegative();
    assertThat(end)
        .as("the block's closing fence and marker, after the opening one")
        .isGreaterThan(begin);
    assertThat(doc.substring(begin + BEGIN.length(), end))
        .as("the block in docs/embedding.md; copy " + SOURCE + " into it")
        .isEqualTo(source);
  }

  @Test
  void example_uses_only_the_api() throws IOException {
    String source = Files.readString(projectRoot().resolve(SOURCE), UTF_8);
    assertThat(source).doesNotContainPattern("org\\.userman(\\.\\w+)*\\.internal\\b");
  }

  /** Maven runs core's tests in core/; an IDE may run them from the project root. */
  private static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    return Files.isDirectory(dir.resolve("docs")) ? dir : dir.getParent();
  }

  /** The session of the first sign-in, which the audit log keeps after the session ended. */
  private static String firstSessionId(Userman userman, String userId) {
    return events(userman, userId).stream()
        .filter(e -> e.type() == AuditType.LOGIN_SUCCEEDED)
        .findFirst()
        .orElseThrow()
        .details()
        .get("session_id");
  }

  private static List<AuditType> auditTrail(Userman userman, String userId) {
    return events(userman, userId).stream().map(AuditEvent::type).toList();
  }

  /** The user's audit events, oldest first. */
  private static List<AuditEvent> events(Userman userman, String userId) {
    return userman
        .audit()
        .list(new AuditQuery(userId, null, null, null, 50, null))
        .items()
        .reversed();
  }
}
