package org.userman.store.internal;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.crypto.internal.PrivateFiles;

/** The embedded database's file: where a URL puts it, and made private before SQLite opens it. */
final class SqliteFile {
  private SqliteFile() {}

  /**
   * The file of a {@code jdbc:sqlite:} URL, or null for an in-memory one, a {@code file:} URI or a
   * server database.
   */
  static Path of(String url) {
    if (!url.startsWith("jdbc:sqlite:")) {
      return null;
    }
    String file = url.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      file = file.substring(0, query);
    }
    if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
      return null;
    }
    return Path.of(file).toAbsolutePath();
  }

  /**
   * The embedded database's folder (0700 when made here) and file (0600), made before SQLite opens
   * it: SQLite gives its WAL, shared-memory and journal files the permissions of the database file,
   * so they are private too, whatever the umask. Files an older version made are made private.
   */
  static void prepare(Path db) {
    if (db == null) {
      return;
    }
    try {
      PrivateFiles.folder(db.getParent());
      PrivateFiles.touch(db);
      for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
        PrivateFiles.restrict(db.resolveSibling(db.getFileName() + suffix));
      }
    } catch (UncheckedIOException e) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE,
          "cannot prepare the database file " + db + ": " + e.getCause().getMessage());
    }
  }
}
