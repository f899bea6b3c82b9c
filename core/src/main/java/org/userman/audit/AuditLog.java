package org.userman.audit;

import org.userman.common.Page;

/** The record of what happened to every account, kept for the configured retention. */
public interface AuditLog {
  /** Events newest first. */
  Page<AuditEvent> list(AuditQuery query);

  /**
   * Deletes the events older than the retention (a serving node does so every few hours); returns
   * how many.
   */
  int prune();
}
