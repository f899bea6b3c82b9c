package org.userman.store.internal.changes;

import java.time.Duration;

/**
 * PostgreSQL or MariaDB with {@code database.listen_for_changes} off: writes count nothing, and
 * readers always go to the database.
 */
final class Unwatched implements Changes {
  @Override
  public long generation() {
    return UNWATCHED;
  }

  @Override
  public void start() {}

  @Override
  public boolean startAndAwait(Duration timeout) {
    return false;
  }

  @Override
  public void written() {}

  @Override
  public void close() {}
}
