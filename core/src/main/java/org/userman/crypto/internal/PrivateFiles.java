package org.userman.crypto.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Folders and files only the service's own user may read: folders 0700, files 0600, set when they
 * are made whatever the process's umask, and set again on files a process may have made before. On
 * file systems without POSIX permissions (Windows) this does nothing more than make them.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Makes {@code folder} and its missing parents, the ones it makes 0700. */
  public static Path folder(Path folder) {
    Path abs = folder.toAbsolutePath();
    if (Files.isDirectory(abs)) {
      return folder;
    }
    Path parent = abs.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      folder(parent);
    }
    try {
      if (posix(parent)) {
        Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(FOLDER));
        Files.setPosixFilePermissions(abs, FOLDER); // the umask may have taken bits off at creation
      } else {
        Files.createDirectory(abs);
      }
    } catch (FileAlreadyExistsException e) {
      // made meanwhile by another process: fine
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the folder " + abs, e);
    }
    return folder;
  }

  /** The creation attribute of a private file, for the ways of opening files that take one. */
  public static FileAttribute<?>[] fileAttributes(Path file) {
    return posix(file.toAbsolutePath().getParent())
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /** Creates {@code file} empty and private unless it exists; makes an existing one private too. */
  public static void touch(Path file) {
    try {
      Files.newByteChannel(
              file,
              Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              fileAttributes(file))
          .close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file, e);
    }
    restrict(file);
  }

  /** Takes group and other rights off an existing file or folder (no-op when it does not exist). */
  public static void restrict(Path path) {
    try {
      if (Files.exists(path) && posix(path)) {
        Files.setPosixFilePermissions(path, Files.isDirectory(path) ? FOLDER : FILE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + path + " private", e);
    }
  }

  /**
   * Writes {@code bytes} to a new private file, failing with {@link FileAlreadyExistsException} (in
   * the {@link UncheckedIOException}) if it exists. Readers never see it part-written: the bytes go
   * to a temporary file in the same folder first, which is then linked (or, where links are not
   * supported, moved) to its name, an operation that does not replace a file another process made.
   */
  public static void writeNew(Path file, byte[] bytes) {
    Path abs = file.toAbsolutePath();
    Path temp = null;
    try {
      temp =
          Files.createTempFile(
              abs.getParent(), "." + abs.getFileName(), ".tmp", fileAttributes(abs));
      Files.write(temp, bytes);
      try (var channel = java.nio.channels.FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      restrict(temp);
      try {
        Files.createLink(abs, temp);
      } catch (UnsupportedOperationException e) {
        Files.move(temp, abs); // without REPLACE_EXISTING: fails if the file is there
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          // a leftover temporary file holds nothing the named file does not
        }
      }
    }
  }

  private static boolean posix(Path path) {
    Path p = path == null ? Path.of("").toAbsolutePath() : path;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p != null
        && Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
            != null;
  }
}
