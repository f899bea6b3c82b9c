package org.userman.crypto.internal;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.crypto.EncryptionKey;
import org.userman.crypto.KeySettings;

/** Finds the encryption key its settings name, making the key file where that is the source. */
public final class Keys {
  private Keys() {}

  /**
   * The key: given, read from its file (made private, with a new key, when missing), or a failure
   * with the advice.
   */
  public static EncryptionKey resolve(KeySettings settings, SecureRandom random) {
    if (settings.key() != null) {
      return settings.key();
    }
    Path file = settings.file();
    if (file == null) {
      throw new UsermanException(ErrorCode.UNAVAILABLE, settings.missingAdvice());
    }
    if (!Files.exists(file)) {
      PrivateFiles.folder(file.toAbsolutePath().getParent());
      try {
        PrivateFiles.writeNew(
            file,
            (EncryptionKey.generate(random).encoded() + "\n").getBytes(StandardCharsets.US_ASCII));
      } catch (UncheckedIOException e) {
        if (!Files.exists(file)) { // another process made it at the same moment: read theirs
          throw e;
        }
      }
    }
    PrivateFiles.restrict(file);
    return KeySettings.read(file);
  }
}
