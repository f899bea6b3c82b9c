package org.userman.server.http;

import org.userman.common.FieldError;
import org.userman.common.Page;
import org.userman.common.ValidationException;
import org.userman.mail.MailQueue;
import org.userman.mail.QueuedMail;

/** The outgoing mail queue for admins: what is pending, what was sent, what failed and why. */
public final class MailQueueRoutes {
  private final Api api;
  private final MailQueue queue;
  private final Views views;

  public MailQueueRoutes(Api api, MailQueue queue, Views views) {
    this.api = api;
    this.queue = queue;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.get(
        "/api/v1/admin/mail-queue",
        "listMailQueue",
        (req, res) -> {
          Call c = api.call(req);
          c.admin();
          QueuedMail.Status status =
              c.query("status")
                  .map(
                      s ->
                          QueuedMail.Status.parse(s)
                              .orElseThrow(
                                  () ->
                                      new ValidationException(
                                          FieldError.invalidFormat(
                                              "status", "one of pending, sent, failed"))))
                  .orElse(null);
          Page<QueuedMail> page = queue.list(status, Paging.limit(c), Paging.cursor(c));
          api.ok(res, views.page(page.items(), views::queuedMail, page.nextAfterId()));
        });
  }
}
