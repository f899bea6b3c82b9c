package org.userman.password;

/**
 * Argon2id cost. The defaults are OWASP's first recommendation (19 MiB, 2 passes, 1 lane):
 * about 10 ms on one core here with libsodium (bench/argon2), so a 2-core node verifies some 190
 * passwords a second. More than one lane is hashed by libargon2, about half as fast per lane.
 */
public record HashParameters(int memoryKib, int iterations, int parallelism) {
  public static final HashParameters OWASP = new HashParameters(19_456, 2, 1);

  public HashParameters {
    if (memoryKib < 8 * parallelism || iterations < 1 || parallelism < 1) {
      throw new IllegalArgumentException("invalid Argon2id parameters");
    }
  }
}
