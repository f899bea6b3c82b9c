package org.userman.mail.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.userman.common.Backlog;
import org.userman.common.Page;
import org.userman.internal.Backoff;
import org.userman.internal.Ids;
import org.userman.internal.PollingWorker;
import org.userman.mail.MailQueue;
import org.userman.mail.QueuedMail;
import org.userman.metrics.Instrumentation;
import org.userman.store.internal.Backlogs;
import org.userman.store.internal.Database;

/**
 * The durable outgoing mail queue. A mail is written in the transaction that issues its token, so
 * an acknowledged request never loses its mail, and sent afterwards by whichever node claims it
 * first. A failed delivery is retried with exponential backoff (30 s doubling, at most an hour);
 * after {@link #MAX_ATTEMPTS} tries, or a permanent refusal, the mail is marked failed for admins
 * to see. Bodies are cleared once a mail is sent or given up.
 */
public final class MailQueueService implements AutoCloseable, MailQueue {
  private static final System.Logger LOG = System.getLogger(MailQueueService.class.getName());
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), 0);

  /** How long a claimed mail is left to the node sending it before another may try. */
  private static final Duration LEASE = Duration.ofMinutes(2);

  private static final Duration POLL = Duration.ofSeconds(5);
  private static final int BATCH = 20;
  private final Database db;
  private final Mailer mailer;
  private final Ids ids;
  private final Clock clock;
  private final PollingWorker worker;
  private final Instrumentation instrumentation;

  public MailQueueService(Database db, Mailer mailer, Ids ids, Clock clock) {
    this(db, mailer, ids, clock, Instrumentation.NONE);
  }

  public MailQueueService(
      Database db, Mailer mailer, Ids ids, Clock clock, Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    this.worker = new PollingWorker("userman-mail", POLL, this::sendDue);
    this.db = db;
    this.mailer = mailer;
    this.ids = ids;
    this.clock = clock;
  }

  /** Queues {@code mail} inside the caller's transaction. */
  public void enqueue(Handle h, Mail mail) {
    long now = clock.millis();
    h.createUpdate(
            "INSERT INTO mail_queue (id, recipient, subject, text_body, html_body, status, attempts, next_attempt_at, created_at)"
                + " VALUES (:id, :to, :subject, :text, :html, 'pending', 0, :now, :now)")
        .bind("id", ids.next())
        .bind("to", mail.to())
        .bind("subject", mail.subject())
        .bind("text", mail.text())
        .bind("html", mail.html())
        .bind("now", now)
        .execute();
  }

  /** Starts sending in the background: every few seconds, and at once after {@link #nudge}. */
  public void start() {
    worker.start();
  }

  /** Asks the background sender to look now (a mail was just queued). */
  public void nudge() {
    worker.nudge();
  }

  /**
   * Sends every mail that is due now; returns how many were sent. One round at a time on a node: a
   * caller that gets here has seen every earlier round finish.
   */
  @Override
  public synchronized int sendDue() {
    int sent = 0;
    List<Due> due;
    do {
      long now = clock.millis();
      due =
          db.read(
              h ->
                  h.createQuery(
                          "SELECT id, recipient, subject, text_body, html_body, attempts, next_attempt_at FROM mail_queue"
                              + " WHERE status = 'pending' AND next_attempt_at <= :now ORDER BY next_attempt_at LIMIT "
                              + BATCH)
                      .bind("now", now)
                      .map((rs, ctx) -> due(rs))
                      .list());
      for (Due d : due) {
        if (claim(d, now) && deliver(d)) {
          sent++;
        }
      }
    } while (due.size() == BATCH);
    return sent;
  }

  /** Takes a mail for this node: only one node wins the update of its due time. */
  private boolean claim(Due d, long now) {
    return db.tx(
        h ->
            h.createUpdate(
                        "UPDATE mail_queue SET next_attempt_at = :lease WHERE id = :id AND status = 'pending' AND next_attempt_at = :seen")
                    .bind("lease", now + LEASE.toMillis())
                    .bind("id", d.id())
                    .bind("seen", d.nextAttemptAt())
                    .execute()
                == 1);
  }

  private boolean deliver(Due d) {
    try {
      mailer.send(d.mail());
      db.tx(
          h ->
              h.createUpdate(
                      "UPDATE mail_queue SET status = 'sent', attempts = attempts + 1, sent_at = :now, text_body = NULL, html_body = NULL,"
                          + " last_error = NULL WHERE id = :id")
                  .bind("now", clock.millis())
                  .bind("id", d.id())
                  .execute());
      return true;
    } catch (Mailer.MailException e) {
      int attempts = d.attempts() + 1;
      boolean giveUp = e.permanent() || attempts >= MAX_ATTEMPTS;
      String error = e.getMessage() == null ? e.toString() : e.getMessage();
      instrumentation.deliveryFailed(Instrumentation.Queue.MAIL, giveUp);
      LOG.log(
          System.Logger.Level.WARNING,
          (giveUp ? "gave up on " : "will retry ") + d.mail() + ": " + error);
      db.tx(
          h ->
              h.createUpdate(
                      giveUp
                          ? "UPDATE mail_queue SET status = 'failed', attempts = :attempts, last_error = :error, text_body = NULL, html_body = NULL WHERE id = :id"
                          : "UPDATE mail_queue SET attempts = :attempts, last_error = :error, next_attempt_at = :next WHERE id = :id")
                  .bind("attempts", attempts)
                  .bind("error", error.length() > 500 ? error.substring(0, 500) : error)
                  .bind("next", clock.millis() + backoff(attempts).toMillis())
                  .bind("id", d.id())
                  .execute());
      return false;
    }
  }

  /** 30 s after the first failure, doubling, at most an hour. */
  static Duration backoff(int attempts) {
    return BACKOFF.after(attempts);
  }

  @Override
  public Backlog backlog() {
    return db.read(
        h ->
            h.createQuery(
                    "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM mail_queue WHERE status = 'pending'")
                .map((rs, ctx) -> Backlogs.read(rs))
                .one());
  }

  /** The queue for admins, newest first; {@code status} may be null (all). */
  @Override
  public Page<QueuedMail> list(QueuedMail.Status status, int limit, String beforeId) {
    return db.read(
        h -> {
          StringBuilder sql =
              new StringBuilder(
                  "SELECT id, recipient, subject, status, attempts, created_at, next_attempt_at, sent_at, last_error FROM mail_queue WHERE 1 = 1");
          if (status != null) {
            sql.append(" AND status = :status");
          }
          if (beforeId != null) {
            sql.append(" AND id < :before");
          }
          sql.append(" ORDER BY id DESC LIMIT :limit");
          Query q = h.createQuery(sql.toString()).bind("limit", limit + 1);
          if (status != null) {
            q.bind("status", status.wire());
          }
          if (beforeId != null) {
            q.bind("before", beforeId);
          }
          return Page.of(q.map((rs, ctx) -> queued(rs)).list(), limit, QueuedMail::id);
        });
  }

  @Override
  public void close() {
    worker.close();
  }

  private record Due(String id, Mail mail, int attempts, long nextAttemptAt) {}

  private static Due due(ResultSet rs) throws SQLException {
    return new Due(
        rs.getString("id"),
        new Mail(
            rs.getString("recipient"),
            rs.getString("subject"),
            rs.getString("text_body"),
            rs.getString("html_body")),
        rs.getInt("attempts"),
        rs.getLong("next_attempt_at"));
  }

  private static QueuedMail queued(ResultSet rs) throws SQLException {
    long sent = rs.getLong("sent_at");
    boolean notSent = rs.wasNull();
    String status = rs.getString("status");
    return new QueuedMail(
        rs.getString("id"),
        rs.getString("recipient"),
        rs.getString("subject"),
        QueuedMail.Status.parse(status)
            .orElseThrow(() -> new IllegalStateException("unknown mail status " + status)),
        rs.getInt("attempts"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
        notSent ? null : Instant.ofEpochMilli(sent),
        rs.getString("last_error"));
  }
}
