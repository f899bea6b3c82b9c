package org.userman.mail.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Instant;
import java.util.Date;

/** Builds the MIME form of a {@link Mail}: multipart/alternative with text and HTML. */
final class Messages {
  private Messages() {}

  static MimeMessage mime(jakarta.mail.Session session, String from, Mail mail, Instant sent)
      throws MessagingException {
    MimeMessage message = new MimeMessage(session);
    message.setFrom(new InternetAddress(from));
    message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(mail.to()));
    message.setSubject(mail.subject(), "UTF-8");
    message.setSentDate(Date.from(sent));
    if (mail.html() == null) {
      message.setText(mail.text(), "UTF-8");
    } else {
      MimeBodyPart text = new MimeBodyPart();
      text.setText(mail.text(), "UTF-8");
      MimeBodyPart html = new MimeBodyPart();
      html.setText(mail.html(), "UTF-8", "html");
      message.setContent(new MimeMultipart("alternative", text, html));
    }
    message.saveChanges();
    return message;
  }
}
