package org.userman.password;

import com.password4j.Argon2Function;
import com.password4j.Hash;
import com.password4j.types.Argon2;
import org.userman.Secrets;

/**
 * Argon2id in PHC string form ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}), through
 * Password4j. Hashes made with other parameters still verify, and {@link #needsRehash} tells the
 * caller to upgrade them after a successful login.
 */
public final class PasswordHasher {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private final Argon2Function function;
  private final Secrets secrets;

  public PasswordHasher(HashParameters params, Secrets secrets) {
    this.function =
        Argon2Function.getInstance(
            params.memoryKib(), params.iterations(), params.parallelism(), HASH_BYTES, Argon2.ID);
    this.secrets = secrets;
  }

  public String hash(Password password) {
    Hash h = function.hash(password.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8),
        secrets.randomBytes(SALT_BYTES));
    return h.getResult();
  }

  public boolean verify(Password password, String encoded) {
    if (encoded == null || !encoded.startsWith("$argon2")) {
      verifyDummy(password);
      return false;
    }
    try {
      return Argon2Function.getInstanceFromHash(encoded).check(password.reveal(), encoded);
    } catch (RuntimeException malformed) {
      verifyDummy(password);
      return false;
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
      return !Argon2Function.getInstanceFromHash(encoded).equals(function);
    } catch (RuntimeException malformed) {
      return true;
    }
  }
}
