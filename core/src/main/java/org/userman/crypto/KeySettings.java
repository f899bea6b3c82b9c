package org.userman.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

  /** The key itself, when it was given; null otherwise. */
  public EncryptionKey key() {
    return key;
  }

  /**
   * The file that holds the key, made with a new key when missing; null when the key was given or
   * is missing.
   */
  public Path file() {
    return file;
  }

  /** What to tell when no key was given and none can be made; null otherwise. */
  public String missingAdvice() {
    return missingAdvice;
  }

  /**
   * The key written in {@code file}; {@link IllegalArgumentException} saying what is wrong with it.
   */
  public static EncryptionKey read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the encryption key file " + file + ": " + e.getMessage(), e);
    }
    return EncryptionKey.parse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the file " + file + " does not hold a 256-bit key (43 base64url characters)"));
  }

  @Override
  public String toString() {
    return key != null
        ? "KeySettings[given]"
        : file != null ? "KeySettings[file " + file + "]" : "KeySettings[missing]";
  }
}
