package org.userman.store.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.userman.crypto.internal.PrivateFiles;
import org.userman.store.Dialect;

/**
 * A consistent copy of the embedded database, taken while it serves. Server databases have their
 * own tools for this (pg_dump, mariadb-dump).
 */
final class SqliteBackup {
  private SqliteBackup() {}

  static void write(Dialect dialect, Transactions transactions, Path file) {
    if (dialect != Dialect.SQLITE) {
      throw new UnsupportedOperationException("back up " + dialect + " with its own dump tool");
    }
    if (Files.exists(file)) {
      throw new IllegalArgumentException(file + " exists; choose a new file");
    }
    // SQLite writes into an empty file made here, private like the database it copies.
    PrivateFiles.touch(file);
    transactions.read(h -> h.execute("VACUUM INTO ?", file.toAbsolutePath().toString()));
  }
}
