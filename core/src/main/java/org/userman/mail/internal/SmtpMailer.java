package org.userman.mail.internal;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.util.Properties;
import org.userman.mail.SmtpSettings;

/** Sends through an SMTP server with Jakarta Mail (Eclipse Angus). */
public final class SmtpMailer implements Mailer {
  private final SmtpSettings smtp;
  private final String from;
  private final Clock clock;
  private final Session session;

  public SmtpMailer(SmtpSettings smtp, String from, Clock clock) {
    this.smtp = smtp;
    this.from = from;
    this.clock = clock;
    String protocol = smtp.security() == SmtpSettings.Security.TLS ? "smtps" : "smtp";
    Properties p = new Properties();
    p.put("mail.transport.protocol", protocol);
    p.put("mail." + protocol + ".host", smtp.host());
    p.put("mail." + protocol + ".port", Integer.toString(smtp.port()));
    p.put("mail." + protocol + ".auth", Boolean.toString(smtp.user() != null));
    String millis = Long.toString(smtp.timeout().toMillis());
    p.put("mail." + protocol + ".connectiontimeout", millis);
    p.put("mail." + protocol + ".timeout", millis);
    p.put("mail." + protocol + ".writetimeout", millis);
    if (smtp.security() == SmtpSettings.Security.STARTTLS) {
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
    }
    if (smtp.security() != SmtpSettings.Security.NONE) {
      p.put("mail." + protocol + ".ssl.checkserveridentity", "true");
    }
    this.session = Session.getInstance(p);
  }

  @Override
  public void send(Mail mail) throws MailException {
    MimeMessage message;
    try {
      message = Messages.mime(session, from, mail, clock.instant());
    } catch (MessagingException e) {
      throw new MailException(
          "cannot build a mail to " + mail.to() + ": " + e.getMessage(), true, e);
    }
    try (Transport transport = session.getTransport()) {
      transport.connect(smtp.host(), smtp.port(), smtp.user(), smtp.password());
      transport.sendMessage(message, message.getAllRecipients());
    } catch (SendFailedException e) {
      // an address the server calls invalid stays invalid: sending again will not help
      boolean invalid = e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0;
      throw new MailException(
          "the SMTP server refused " + mail.to() + ": " + e.getMessage(), invalid, e);
    } catch (AuthenticationFailedException e) {
      throw new MailException("the SMTP server refused the login: " + e.getMessage(), false, e);
    } catch (MessagingException e) {
      throw new MailException(
          "cannot send through " + smtp.host() + ":" + smtp.port() + ": " + e.getMessage(),
          false,
          e);
    }
  }
}
