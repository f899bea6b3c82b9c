package org.userman.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Properties;
import org.userman.Ids;

/**
 * Writes each message as an RFC 5322 file into the outbox folder, one file a message. A file
 * appears whole or not at all: it is written under a temporary name, then moved.
 */
public final class OutboxMailer implements Mailer {
  private final Path outbox;
  private final String from;
  private final Clock clock;
  private final Ids ids;
  private final jakarta.mail.Session session = jakarta.mail.Session.getInstance(new Properties());

  public OutboxMailer(Path outbox, String from, Clock clock, Ids ids) {
    this.outbox = outbox;
    this.from = from;
    this.clock = clock;
    this.ids = ids;
  }

  @Override
  public void send(Mail mail) throws MailException {
    try {
      Files.createDirectories(outbox);
      MimeMessage message = Messages.mime(session, from, mail, clock.instant());
      String name = ids.next() + ".eml";
      Path tmp = outbox.resolve("." + name + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        message.writeTo(out);
      }
      Files.move(tmp, outbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new MailException("cannot write to the outbox " + outbox + ": " + e.getMessage(), false, e);
    } catch (MessagingException e) {
      throw new MailException("cannot build a mail to " + mail.to() + ": " + e.getMessage(), true, e);
    }
  }
}
