package org.userman.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.userman.ErrorCode;
import org.userman.UsermanException;

/**
 * Where the {@link EncryptionKey} comes from: given (read from a file or the environment by whoever
 * configures the library), or a file that the library makes with a new key on first use (the
 * embedded default, in the data folder), or nowhere yet, with the advice to show when a key is
 * needed. Only what must read back a sealed secret asks for the key, so commands that never do
 * (schema migrations, say) work without one.
 */
public final class KeySettings {
  private final EncryptionKey key;
  private final Path file;
  private final String missingAdvice;

  private KeySettings(EncryptionKey key, Path file, String missingAdvice) {
    this.key = key;
    this.file = file;
    this.missingAdvice = missingAdvice;
  }

  public static KeySettings given(EncryptionKey key) {
    return new KeySettings(key, null, null);
  }

  /** The key in {@code file}, which is made (0600, with a new key) when it does not exist. */
  public static KeySettings fileMadeIfMissing(Path file) {
    return new KeySettings(null, file, null);
  }

  /** No key: asking for one fails with {@code advice}, which says how to give one. */
  public static KeySettings missing(String advice) {
    return new KeySettings(null, null, advice);
  }

  /** The key, reading or making the file where that is the source. */
  public EncryptionKey resolve(SecureRandom random) {
    if (key != null) {
      return key;
    }
    if (file == null) {
      throw new UsermanException(ErrorCode.UNAVAILABLE, missingAdvice);
    }
    if (!Files.exists(file)) {
      PrivateFiles.folder(file.toAbsolutePath().getParent());
      try {
        PrivateFiles.writeNew(file, (EncryptionKey.generate(random).encoded() + "\n").getBytes(StandardCharsets.US_ASCII));
      } catch (UncheckedIOException e) {
        if (!Files.exists(file)) {  // another process made it at the same moment: read theirs
          throw e;
        }
      }
    }
    PrivateFiles.restrict(file);
    return read(file);
  }

  /** The key written in {@code file}; {@link IllegalArgumentException} saying what is wrong with it. */
  public static EncryptionKey read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the encryption key file " + file + ": " + e.getMessage(), e);
    }
    return EncryptionKey.parse(text).orElseThrow(
        () -> new IllegalArgumentException("the file " + file + " does not hold a 256-bit key (43 base64url characters)"));
  }

  @Override
  public String toString() {
    return key != null ? "KeySettings[given]" : file != null ? "KeySettings[file " + file + "]" : "KeySettings[missing]";
  }
}
