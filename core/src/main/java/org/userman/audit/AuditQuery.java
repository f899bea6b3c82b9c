package org.userman.audit;

import java.time.Instant;

/**
 * Audit listing filters, newest first; any filter may be null. {@code userId} matches events about
 * that user; {@code beforeId} is the decoded cursor.
 */
public record AuditQuery(
    String userId, AuditType type, Instant since, Instant until, int limit, String beforeId) {}
