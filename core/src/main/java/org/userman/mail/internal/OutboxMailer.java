package org.userman.mail.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Properties;
import java.util.Set;
import org.userman.crypto.internal.PrivateFiles;
import org.userman.internal.Ids;

/**
 * Writes each message as an RFC 5322 file into the outbox folder, one file a message. A file
 * appears whole or not at all: it is written under a temporary name, then moved.
 */
public final class OutboxMailer implements Mailer {
  private final Path outbox;
  private final String from;
  private final Clock clock;
  private final Ids ids;
  private volatile boolean prepared;
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
      if (!prepared) {
        PrivateFiles.folder(outbox);
        PrivateFiles.restrict(outbox); // one an older version made
        prepared = true;
      }
      MimeMessage message = Messages.mime(session, from, mail, clock.instant());
      String name = ids.next() + ".eml";
      Path tmp = outbox.resolve("." + name + ".tmp");
      // Private from the first byte: a mail may carry a token.
      try (OutputStream out =
          Channels.newOutputStream(
              Files.newByteChannel(
                  tmp,
                  Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                  PrivateFiles.fileAttributes(tmp)))) {
        message.writeTo(out);
      }
      PrivateFiles.restrict(tmp);
      Files.move(tmp, outbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new MailException(
          "cannot write to the outbox " + outbox + ": " + e.getMessage(), false, e);
    } catch (MessagingException e) {
      throw new MailException(
          "cannot build a mail to " + mail.to() + ": " + e.getMessage(), true, e);
    }
  }
}
