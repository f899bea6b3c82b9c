package org.userman.common;

import java.time.Instant;

/**
 * What waits in an outgoing queue: how many deliveries are pending (due now or waiting to be
 * retried) and when the oldest of them was queued (null when none is).
 */
public record Backlog(long pending, Instant oldestQueuedAt) {}
