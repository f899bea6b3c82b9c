package org.userman.mail;

/** Delivers mail. The outbox folder is the delivery used when no SMTP server is configured. */
public interface Mailer {
  void send(Mail mail);
}
