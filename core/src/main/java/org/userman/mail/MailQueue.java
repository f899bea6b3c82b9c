package org.userman.mail;

import org.userman.common.Backlog;
import org.userman.common.Page;

/** The durable outgoing mail queue, for admins to watch and for tools and tests to flush. */
public interface MailQueue {
  /** Delivery attempts before a mail is given up as failed. */
  int MAX_ATTEMPTS = 8;

  /** The queue, newest first; {@code status} may be null (all). */
  Page<QueuedMail> list(QueuedMail.Status status, int limit, String beforeId);

  /** Sends every mail that is due now, here and now; returns how many were sent. */
  int sendDue();

  /** The mails waiting to be sent (due now or to be retried), and when the oldest was queued. */
  Backlog backlog();
}
