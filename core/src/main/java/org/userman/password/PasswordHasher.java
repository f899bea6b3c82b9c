package org.userman.password;

import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import de.mkammerer.argon2.Argon2Version;
import java.nio.charset.StandardCharsets;
import org.userman.Secrets;

/**
 * Argon2id in PHC string form ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}), computed by
 * the reference C implementation (libargon2, bundled for the common platforms, through JNA): in
 * bench/argon2 it hashes at Userman's parameters about twice as fast as the pure-Java ones, with the
 * same bytes. Hashes made with other parameters still verify, and {@link #needsRehash} tells the
 * caller to upgrade them after a successful login.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private final Argon2Advanced argon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id, SALT_BYTES, HASH_BYTES);
  private final HashParameters params;
  private final Secrets secrets;

  public PasswordHasher(HashParameters params, Secrets secrets) {
    this.params = params;
    this.secrets = secrets;
  }

  public String hash(Password password) {
    byte[] bytes = password.reveal().getBytes(StandardCharsets.UTF_8);
    try {
      return argon2.hashAdvanced(params.iterations(), params.memoryKib(), params.parallelism(), bytes,
          secrets.randomBytes(SALT_BYTES), HASH_BYTES, Argon2Version.V13).getEncoded();
    } finally {
      argon2.wipeArray(bytes);
    }
  }

  public boolean verify(Password password, String encoded) {
    if (encoded == null || !encoded.startsWith("$argon2id$")) {
      verifyDummy(password);
      return false;
    }
    byte[] bytes = password.reveal().getBytes(StandardCharsets.UTF_8);
    try {
      return argon2.verify(encoded, bytes);
    } catch (RuntimeException malformed) {
      verifyDummy(password);
      return false;
    } finally {
      argon2.wipeArray(bytes);
    }
  }

  /**
   * Spends the time of one verification, for answers that must not reveal a missing account. A
   * verification is a hash with the stored salt, so hashing with a fresh salt costs the same, and
   * nothing needs computing at start-up.
   */
  public void verifyDummy(Password password) {
    hash(password);
  }

  public boolean needsRehash(String encoded) {
    try {
      return argon2.needsRehash(encoded, params.iterations(), params.memoryKib(), params.parallelism());
    } catch (RuntimeException malformed) {
      return true;
    }
  }
}
