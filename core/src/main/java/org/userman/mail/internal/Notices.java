package org.userman.mail.internal;

import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Security notices (OWASP ASVS 2.2.3, 2.5): plain mails that tell the owner of a change to the
 * account's credentials, with no token in them. Each is queued in the transaction of the change it
 * tells of, so an acknowledged change always has its notice; {@link #nudge} after the commit.
 */
public final class Notices {
  private final MailQueueService queue;
  private final MailTemplates mails;

  public Notices(MailQueueService queue, MailTemplates mails) {
    this.queue = queue;
    this.mails = mails;
  }

  /** To the address the account had. */
  public void emailChanged(Handle h, String oldAddress, String newAddress) {
    queue.enqueue(h, mails.emailChanged(oldAddress, newAddress));
  }

  public void passwordChanged(Handle h, String to, boolean reset, boolean byOperator) {
    queue.enqueue(h, mails.passwordChanged(to, reset, byOperator));
  }

  /**
   * To the user, whose address is read in the caller's transaction (nothing when the user is gone).
   */
  public void apiKeyCreated(
      Handle h, String userId, String keyName, String keyPrefix, Instant expiresAt) {
    h.createQuery("SELECT email FROM users WHERE id = :id")
        .bind("id", userId)
        .mapTo(String.class)
        .findOne()
        .ifPresent(to -> queue.enqueue(h, mails.apiKeyCreated(to, keyName, keyPrefix, expiresAt)));
  }

  public void accountLocked(Handle h, String to, Duration period) {
    queue.enqueue(h, mails.accountLocked(to, period));
  }

  /**
   * A change to the account's second factors: {@code enabled}, {@code disabled}, {@code
   * recovery_codes} (a new set) or {@code reset} (by an admin or the operator).
   */
  public void secondFactorChanged(Handle h, String to, String change) {
    queue.enqueue(h, mails.secondFactorChanged(to, change));
  }

  public void recoveryCodeUsed(Handle h, String to, int left) {
    queue.enqueue(h, mails.recoveryCodeUsed(to, left));
  }

  /** Asks the sender to look now (after the transaction that queued a notice committed). */
  public void nudge() {
    queue.nudge();
  }
}
