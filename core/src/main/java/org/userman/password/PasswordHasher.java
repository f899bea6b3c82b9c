package org.userman.password;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.userman.Secrets;

/**
 * Argon2id in PHC string form ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}), computed by
 * the reference C implementation (libargon2, bundled for the common platforms, through JNA): in
 * bench/argon2 it hashes at Userman's parameters about twice as fast as the pure-Java ones, with the
 * same bytes. Hashes made with other parameters still verify, and {@link #needsRehash} tells the
 * caller to upgrade them after a successful login.
 *
 * <p>Every hash runs on one of {@link #HASHERS} platform threads, one per core, taken in the order
 * asked; the caller waits. A native call pins the virtual thread that makes it to its carrier, and
 * there are only as many carriers as cores: hashing on them left the other requests, and the
 * database writer, waiting for a free carrier for a hash's whole 20-40 ms. The pool also caps the
 * memory hashing takes at one hash's memory per core, however many sign-ins arrive at once.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  /** Threads that hash, one per core: more could not hash faster, only hold more memory. */
  static final int HASHERS = Runtime.getRuntime().availableProcessors();
  private static final ExecutorService POOL = Executors.newFixedThreadPool(HASHERS,
      Thread.ofPlatform().daemon().name("userman-hash-", 1).factory());
  private final Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id, SALT_BYTES, HASH_BYTES);
  private final HashParameters params;
  private final Secrets secrets;

  public PasswordHasher(HashParameters params, Secrets secrets) {
    this.params = params;
    this.secrets = secrets;
  }

  public String hash(Password password) {
    return onHashThread(() -> hashHere(password));
  }

  public boolean verify(Password password, String encoded) {
    return onHashThread(() -> verifyHere(password, encoded));
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
    try {
      return argon2.hashAdvanced(params.iterations(), params.memoryKib(), params.parallelism(), bytes,
          secrets.randomBytes(SALT_BYTES), HASH_BYTES, Argon2Version.V13).getEncoded();
    } finally {
      argon2.wipeArray(bytes);
    }
  }

  private boolean verifyHere(Password password, String encoded) {
    if (encoded == null || !encoded.startsWith("$argon2id$")) {
      hashHere(password);  // the dummy verification: as long as a real one
      return false;
    }
    byte[] bytes = password.reveal().getBytes(StandardCharsets.UTF_8);
    try {
      return argon2.verify(encoded, bytes);
    } catch (RuntimeException malformed) {
      hashHere(password);
      return false;
    } finally {
      argon2.wipeArray(bytes);
    }
  }

  /**
   * Runs {@code work} on a hashing thread and waits for it. A caller interrupted before or while it
   * waits gets an exception and keeps its interrupt; a hash already begun finishes unseen.
   */
  private static <T> T onHashThread(Callable<T> work) {
    Future<T> result = null;
    try {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      result = POOL.submit(work);
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
    }
  }

  public boolean needsRehash(String encoded) {
    try {
      return argon2.needsRehash(encoded, params.iterations(), params.memoryKib(), params.parallelism());
    } catch (RuntimeException malformed) {
      return true;
    }
  }
}
