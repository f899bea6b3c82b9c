package org.userman.mail.internal;

/**
 * Hands one message to its delivery: an SMTP server, or the outbox folder when none is configured.
 * A failure throws; the queue retries it later.
 */
public interface Mailer {
  void send(Mail mail) throws MailException;

  /** A delivery that failed; {@code permanent} when retrying cannot help (a rejected address). */
  final class MailException extends Exception {
    private final boolean permanent;

    public MailException(String message, boolean permanent, Throwable cause) {
      super(message, cause);
      this.permanent = permanent;
    }

    public boolean permanent() {
      return permanent;
    }
  }
}
