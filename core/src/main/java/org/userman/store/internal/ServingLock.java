package org.userman.store.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.crypto.internal.PrivateFiles;

/**
 * SQLite takes one writer process: a second server on the same file would only contend for its
 * lock, so a serving program takes this one, and a second fails. The command line does not take it
 * and may run beside. Nothing to do on a server database (no file).
 */
final class ServingLock implements AutoCloseable {
  /** The embedded database's file (null for a server database), and its lock once taken. */
  private final Path sqliteFile;

  private FileLock lock;

  ServingLock(Path sqliteFile) {
    this.sqliteFile = sqliteFile;
  }

  /**
   * Takes the lock, or fails naming the file when another server holds it; held until {@link
   * #close}.
   */
  synchronized void take() {
    if (sqliteFile == null || lock != null) {
      return;
    }
    Path lockFile = sqliteFile.resolveSibling(sqliteFile.getFileName() + ".server-lock");
    try {
      FileChannel channel =
          FileChannel.open(
              lockFile,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              PrivateFiles.fileAttributes(lockFile));
      PrivateFiles.restrict(lockFile);
      FileLock taken;
      try {
        taken = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        taken = null;
      }
      if (taken == null) {
        channel.close();
        throw new UsermanException(
            ErrorCode.UNAVAILABLE,
            "another Userman server is already running on "
                + sqliteFile
                + "; stop it, or give this one another data_dir");
      }
      lock = taken;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    }
  }

  @Override
  public synchronized void close() {
    if (lock != null) {
      try {
        lock.release();
        lock.channel().close();
      } catch (IOException e) {
        // the lock dies with the process anyway
      }
      lock = null;
    }
  }
}
