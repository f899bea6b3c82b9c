package org.userman.password.internal;

import com.goterl.lazysodium.Sodium;
import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.userman.common.Text;
import org.userman.internal.Secrets;
import org.userman.metrics.Instrumentation;
import org.userman.password.HashParameters;
import org.userman.password.LegacyHashSettings;
import org.userman.password.Password;

/**
 * Argon2id in PHC string form ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}), computed by
 * libsodium (bundled for the common platforms by lazysodium, called through JNA). Its Argon2 runs
 * the SIMD code the CPU has (SSSE3, AVX2, AVX-512): bench/argon2 measures it faster at Userman's
 * parameters than libargon2's portable C (argon2-jvm, which Userman used before) and Bouncy Castle,
 * with the same bytes, and each verifies the other's strings. libsodium computes one lane only, so
 * with a parallelism above 1 configured, libargon2 hashes and verifies instead. Hashes made with
 * other parameters still verify, and {@link #needsRehash} tells the caller to upgrade them after a
 * successful login.
 *
 * <p>Every hash runs on one of {@link #HASHERS} platform threads, one per core, taken in the order
 * asked; the caller waits. A native call pins the virtual thread that makes it to its carrier, and
 * there are only as many carriers as cores: hashing on them left the other requests, and the
 * database writer, waiting for a free carrier for a hash's whole run. The pool also caps the memory
 * hashing takes at one hash's memory per core, however many sign-ins arrive at once.
 */
public final class PasswordHasher implements AutoCloseable {
  /** Threads that hash, one per core: more could not hash faster, only hold more memory. */
  static final int HASHERS = Runtime.getRuntime().availableProcessors();

  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          HASHERS, Thread.ofPlatform().daemon().name("userman-hash-", 1).factory());

  /** The fields of a string this hasher can verify; anything else costs a dummy hash and fails. */
  private static final Pattern PHC =
      Pattern.compile(
          "\\$argon2id\\$v=19\\$m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,3})\\$[A-Za-z0-9+/]{11,}\\$[A-Za-z0-9+/]{11,}");

  private final HashParameters params;

  /** libsodium, or libargon2 when the parameters ask for more lanes than libsodium computes. */
  private final Argon2id library;

  private final LegacyHashSettings legacy;
  private final Instrumentation instrumentation;

  public PasswordHasher(HashParameters params, Secrets secrets) {
    this(params, secrets, LegacyHashSettings.NONE);
  }

  public PasswordHasher(HashParameters params, Secrets secrets, LegacyHashSettings legacy) {
    this(params, secrets, legacy, Instrumentation.NONE);
  }

  /** {@code instrumentation} hears how long each Argon2id computation took. */
  public PasswordHasher(
      HashParameters params,
      Secrets secrets,
      LegacyHashSettings legacy,
      Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    this.params = params;
    this.legacy = legacy;
    this.library =
        params.parallelism() > 1 ? new Libargon2(params, secrets) : new Libsodium(params);
  }

  /**
   * What checking a password against a stored hash found.
   *
   * @param matched whether the password is the one hashed
   * @param upgrade when it matched: a new Argon2id hash at the configured parameters to store in
   *     place of the checked one (an imported legacy hash, or Argon2id at other parameters); else
   *     null
   */
  public record Check(boolean matched, String upgrade) {
    static final Check FAILED = new Check(false, null);
  }

  public String hash(Password password) {
    return onHashThread(() -> hashHere(password));
  }

  public boolean verify(Password password, String encoded) {
    return check(password, encoded).matched();
  }

  /**
   * Checks {@code password} against {@code encoded}, Userman's own Argon2id or an imported legacy
   * hash ({@link LegacyHash}), and makes the hash that should replace it.
   *
   * <p>A legacy hash costs its own algorithm and then one Argon2id hash, made whether or not the
   * password matched and kept only when it did: a sign-in to an account that still holds a legacy
   * hash spends the Argon2id hash that every sign-in spends, right or wrong, and the time of the
   * legacy check on top. A string that is no usable hash costs one Argon2id hash and matches
   * nothing, as an unknown account does.
   */
  public Check check(Password password, String encoded) {
    return onHashThread(() -> checkHere(password, encoded));
  }

  /**
   * Whether {@code encoded} is a hash this hasher could verify: its own Argon2id, or a legacy hash
   * it knows; if not, an {@link LegacyHash.UnusableHashException} says why.
   */
  public void requireUsable(String encoded) {
    if (!isOwn(encoded)) {
      LegacyHash.parse(encoded, legacy);
    }
  }

  private Check checkHere(Password password, String encoded) {
    if (encoded == null || Text.hasLoneSurrogate(password.reveal())) {
      hashHere(password);
      return Check.FAILED;
    }
    if (isOwn(encoded)) {
      boolean matched = verifyHere(password, encoded);
      return new Check(matched, matched && needsRehash(encoded) ? hashHere(password) : null);
    }
    LegacyHash hash;
    try {
      hash = LegacyHash.parse(encoded, legacy);
    } catch (LegacyHash.UnusableHashException e) {
      hashHere(password); // the dummy verification: as long as a real one
      return Check.FAILED;
    }
    // The other system hashed the password as typed, not normalized as Userman hashes it.
    byte[] typed = password.revealAsTyped().getBytes(StandardCharsets.UTF_8);
    boolean matched;
    try {
      matched = hash.matches(typed);
    } finally {
      Arrays.fill(typed, (byte) 0);
    }
    String upgrade = hashHere(password);
    return matched ? new Check(true, upgrade) : Check.FAILED;
  }

  /**
   * Whether {@code encoded} is Argon2id that {@link #library} verifies: libsodium computes one lane
   * only, so other Argon2 strings go to libargon2 as legacy ones.
   */
  private boolean isOwn(String encoded) {
    Matcher m = encoded == null ? null : PHC.matcher(encoded);
    return m != null && m.matches() && (m.group(3).equals("1") || library instanceof Libargon2);
  }

  /**
   * Spends the time of one verification, for answers that must not reveal a missing account. A
   * verification is a hash with the stored salt, so hashing with a fresh salt costs the same, and
   * nothing needs computing at start-up.
   */
  public void verifyDummy(Password password) {
    hash(password);
  }

  private String hashHere(Password password) {
    byte[] bytes = password.reveal().getBytes(StandardCharsets.UTF_8);
    long start = System.nanoTime();
    try {
      return library.hash(bytes);
    } finally {
      instrumentation.passwordHashed(System.nanoTime() - start);
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private boolean verifyHere(Password password, String encoded) {
    // A lone surrogate would be written as '?' and could match another password: it matches none.
    if (encoded == null
        || !PHC.matcher(encoded).matches()
        || Text.hasLoneSurrogate(password.reveal())) {
      hashHere(password); // the dummy verification: as long as a real one
      return false;
    }
    byte[] bytes = password.reveal().getBytes(StandardCharsets.UTF_8);
    try {
      // The library that makes the dummy hash verifies too, so that an unknown account's answer
      // takes as long as a known one's.
      long start = System.nanoTime();
      try {
        return library.verify(encoded, bytes);
      } finally {
        instrumentation.passwordHashed(System.nanoTime() - start);
      }
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** One Argon2id library: PHC strings at the configured parameters, and the check of any. */
  private interface Argon2id {
    String hash(byte[] password);

    boolean verify(String encoded, byte[] password);
  }

  /** libsodium, with its own salt (16 random bytes) and a 32-byte hash. */
  private record Libsodium(HashParameters params) implements Argon2id {
    /** libsodium's hash strings are C strings in a buffer of this size (crypto_pwhash_STRBYTES). */
    private static final int STRING_BYTES = 128;

    @Override
    public String hash(byte[] password) {
      byte[] out = new byte[STRING_BYTES];
      if (Loaded.SODIUM.crypto_pwhash_str(
              out,
              password,
              password.length,
              params.iterations(),
              new NativeLong(params.memoryKib() * 1024L))
          != 0) {
        throw new IllegalStateException("libsodium could not hash (out of memory?)");
      }
      String encoded = Native.toString(out, StandardCharsets.US_ASCII); // up to the terminating 0
      if (encoded.length() == out.length) {
        throw new IllegalStateException("libsodium returned an unterminated string");
      }
      return encoded;
    }

    @Override
    public boolean verify(String encoded, byte[] password) {
      // a C string: the copy's last byte is the terminating 0
      byte[] cString =
          Arrays.copyOf(encoded.getBytes(StandardCharsets.US_ASCII), encoded.length() + 1);
      return Loaded.SODIUM.crypto_pwhash_str_verify(cString, password, password.length) == 0;
    }

    /**
     * Loaded at the first hash, not at start-up. The library for this platform is copied out of
     * lazysodium's jar into a temporary file, loaded from there, and the file deleted at once (the
     * loaded copy stays mapped): lazysodium's own loader unpacks its whole jar into a new folder at
     * every start and leaves it behind.
     */
    private static final class Loaded {
      static final Sodium SODIUM = load();

      private static Sodium load() {
        String resource = LibraryLoader.getSodiumPathInResources();
        try (InputStream in = SodiumJava.class.getClassLoader().getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException(
                "no libsodium for this platform in lazysodium's jar: " + resource);
          }
          Path file =
              Files.createTempFile(
                  "userman-libsodium-", resource.substring(resource.lastIndexOf('.')));
          try {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return new SodiumJava(file.toAbsolutePath().toString());
          } finally {
            if (!file.toFile().delete()) {
              file.toFile().deleteOnExit(); // Windows keeps a loaded library's file
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot unpack libsodium", e);
        }
      }
    }
  }

  /**
   * libargon2 (argon2-jvm), for more than one lane: a 16-byte salt from {@code secrets}, a 32-byte
   * hash.
   */
  private record Libargon2(HashParameters params, Secrets secrets) implements Argon2id {
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    @Override
    public String hash(byte[] password) {
      return Library.ARGON2
          .hashAdvanced(
              params.iterations(),
              params.memoryKib(),
              params.parallelism(),
              password,
              secrets.randomBytes(SALT_BYTES),
              HASH_BYTES,
              Argon2Version.V13)
          .getEncoded();
    }

    @Override
    public boolean verify(String encoded, byte[] password) {
      return Library.ARGON2.verify(encoded, password);
    }

    private static final class Library {
      static final Argon2Advanced ARGON2 =
          Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id, SALT_BYTES, HASH_BYTES);
    }
  }

  /**
   * Runs {@code work} on a hashing thread and waits for it. A caller interrupted before or while it
   * waits gets an exception and keeps its interrupt; a hash already begun finishes unseen.
   */
  private <T> T onHashThread(Callable<T> work) {
    Future<T> result = null;
    // the step is the caller's: a trace shows the request's wait for a hashing thread and its work
    Instrumentation.Step step = instrumentation.step("password.hash");
    try {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      result = pool.submit(work);
      return result.get();
    } catch (InterruptedException e) {
      if (result != null) {
        result.cancel(false);
      }
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a password hash", e);
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        default -> throw new IllegalStateException(e.getCause());
      }
    } finally {
      step.close();
    }
  }

  /** Stops the hashing threads; a hash under way finishes. */
  @Override
  public void close() {
    pool.shutdown();
  }

  /** Whether {@code encoded} was made with other parameters than the configured ones. */
  public boolean needsRehash(String encoded) {
    Matcher m = encoded == null ? null : PHC.matcher(encoded);
    if (m == null || !m.matches()) {
      return true;
    }
    return !(m.group(1).equals(String.valueOf(params.memoryKib()))
        && m.group(2).equals(String.valueOf(params.iterations()))
        && m.group(3).equals(String.valueOf(params.parallelism())));
  }
}
