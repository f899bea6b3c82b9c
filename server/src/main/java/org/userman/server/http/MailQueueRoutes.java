package org.userman.server.http;

import org.userman.common.FieldError;
import org.userman.common.ValidationException;
import org.userman.common.Page;
import org.userman.mail.MailQueue;
import org.userman.mail.QueuedMail;

/** The outgoing mail queue for admins: what is pending, what was sent, what failed and why. */
public final class MailQueueRoutes {
  private final MailQueue queue;
  private final Views views;

  public MailQueueRoutes(MailQueue queue, Views views) {
    this.queue = queue;
    this.views = views;
  }

  public void declare(RouteTable t) {
    t.get("/api/v1/admin/mail-queue", c -> {
      c.admin();
      QueuedMail.Status status = c.query("status").map(s -> QueuedMail.Status.parse(s).orElseThrow(
          () -> new ValidationException(FieldError.invalidFormat("status", "one of pending, sent, failed")))).orElse(null);
      Page<QueuedMail> page = queue.list(status, Paging.limit(c), Paging.cursor(c));
      return Reply.ok(views.page(page.items(), views::queuedMail, page.nextAfterId()));
    });
  }
}
