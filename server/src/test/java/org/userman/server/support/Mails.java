package org.userman.server.support;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;

/** Reading back the mails a test's SMTP server received. */
public final class Mails {
  private Mails() {}

  /** The decoded content of the part of this type. */
  public static String part(MimeMultipart parts, String type)
      throws MessagingException, IOException {
    for (int i = 0; i < parts.getCount(); i++) {
      BodyPart p = parts.getBodyPart(i);
      if (p.isMimeType(type)) {
        return p.getContent().toString();
      }
    }
    throw new AssertionError("no " + type + " part");
  }
}
