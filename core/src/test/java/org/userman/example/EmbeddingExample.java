package org.userman.example;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.userman.Userman;
import org.userman.UsermanConfig;
import org.userman.account.NewUser;
import org.userman.account.User;
import org.userman.auth.Principal;
import org.userman.common.Actor;
import org.userman.common.ClientInfo;
import org.userman.password.Password;
import org.userman.session.LoginResult;

/** Userman embedded on SQLite, with no server; docs/embedding.md shows this file as it is. */
public final class EmbeddingExample {
  static final String EMAIL = "ada@example.org";
  static final String FIRST_PASSWORD = "analytical engine, 1837";
  static final String NEW_PASSWORD = "difference engine no. 2";

  public static void main(String[] args) throws IOException {
    run(Path.of(args.length > 0 ? args[0] : "data"), System.out);
  }

  static void run(Path dataDir, PrintStream out) throws IOException {
    ClientInfo client =
        new ClientInfo("192.0.2.10", "embedding example"); // whom the per-address limits count
    Actor anonymous = Actor.anonymous(client);
    try (Userman userman =
        Userman.open(UsermanConfig.embedded(dataDir, "https://accounts.example.org"))) {
      User user =
          userman
              .accounts()
              .create(NewUser.of(EMAIL, Password.of(FIRST_PASSWORD)), false, anonymous);
      out.println("registered " + user.id() + ": " + user.status());
      user = userman.verifications().confirm(tokenFromOutbox(userman, dataDir), anonymous);
      out.println("email verified: " + user.status());

      LoginResult login =
          userman.sessions().login(EMAIL, null, Password.of(FIRST_PASSWORD), "laptop", client);
      Principal principal = userman.authenticator().authenticate(login.accessToken(), anonymous);
      out.println("access token of " + principal.userId() + " in session " + principal.sessionId());

      userman.passwordResets().request(EMAIL, anonymous);
      userman
          .passwordResets()
          .confirm(tokenFromOutbox(userman, dataDir), Password.of(NEW_PASSWORD), anonymous);
      boolean stillValid =
          userman.authenticator().tryAuthenticate(login.accessToken(), anonymous).isPresent();
      out.println(
          "password reset; the old access token is " + (stillValid ? "still valid" : "refused"));

      LoginResult again =
          userman.sessions().login(EMAIL, null, Password.of(NEW_PASSWORD), "phone", client);
      userman.sessions().revoke(user.id(), again.session().id(), anonymous.as(user.id()));
      out.println("signed out; live sessions: " + userman.sessions().list(user.id()).size());
    }
  }

  /**
   * Plays the user reading their mail: the token in the one mail in the outbox, which it removes.
   */
  static String tokenFromOutbox(Userman userman, Path dataDir) throws IOException {
    userman.sendQueuedMail(
        Duration.ofSeconds(10)); // no startServices() here, so no mail sender runs
    try (Stream<Path> files = Files.list(dataDir.resolve("outbox"))) {
      Path mail = files.filter(f -> f.toString().endsWith(".eml")).findFirst().orElseThrow();
      String line =
          Files.readAllLines(mail).stream()
              .filter(l -> l.startsWith("Token: "))
              .findFirst()
              .orElseThrow();
      Files.delete(mail);
      return line.substring("Token: ".length());
    }
  }
}
