package org.userman.bench;

import com.goterl.lazysodium.Sodium;
import com.goterl.lazysodium.SodiumJava;
import com.goterl.lazysodium.utils.LibraryLoader;
import com.password4j.Argon2Function;
import com.password4j.types.Argon2;
import com.sun.jna.NativeLong;
import de.mkammerer.argon2.Argon2Advanced;
import de.mkammerer.argon2.Argon2Factory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * One Argon2id hash at Userman's parameters (OWASP: 19 MiB, 2 passes, 1 lane, 32-byte output,
 * 16-byte salt) by each implementation. Setup checks that all four give the same bytes for the
 * same input, so the fastest is also a correct one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class Argon2Bench {
  static final int MEMORY_KIB = 19456;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  static final int LENGTH = 32;
  final byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
  final byte[] salt = "a sixteen-byte s".getBytes(StandardCharsets.UTF_8);
  Argon2Function password4j;
  Argon2Advanced nativeArgon2;
  Sodium sodium;

  @Setup
  public void setUp() {
    password4j = Argon2Function.getInstance(MEMORY_KIB, ITERATIONS, PARALLELISM, LENGTH, Argon2.ID, 19);
    nativeArgon2 = Argon2Factory.createAdvanced(Argon2Factory.Argon2Types.ARGON2id);
    sodium = new SodiumJava(LibraryLoader.Mode.BUNDLED_ONLY);
    byte[] a = password4j();
    byte[] b = bouncyCastle();
    byte[] c = libargon2();
    byte[] d = libsodium();
    if (!Arrays.equals(a, b) || !Arrays.equals(a, c) || !Arrays.equals(a, d)) {
      throw new IllegalStateException("the implementations disagree: " + hex(a) + " " + hex(b) + " " + hex(c) + " " + hex(d));
    }
    System.out.println("all four agree: " + hex(a));
  }

  @Benchmark
  public byte[] password4j() {
    return password4j.hash(password, salt).getBytes();
  }

  @Benchmark
  public byte[] bouncyCastle() {
    Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(MEMORY_KIB).withIterations(ITERATIONS).withParallelism(PARALLELISM).withSalt(salt).build();
    Argon2BytesGenerator g = new Argon2BytesGenerator();
    g.init(p);
    byte[] out = new byte[LENGTH];
    g.generateBytes(password, out);
    return out;
  }

  @Benchmark
  public byte[] libargon2() {
    return nativeArgon2.rawHash(ITERATIONS, MEMORY_KIB, PARALLELISM, password, salt);
  }

  /** libsodium's Argon2id (what Userman uses): the SIMD code this CPU has, picked at run time. */
  @Benchmark
  public byte[] libsodium() {
    byte[] out = new byte[LENGTH];
    if (sodium.crypto_pwhash(out, LENGTH, password, password.length, salt, ITERATIONS,
        new NativeLong(MEMORY_KIB * 1024L), 2 /* crypto_pwhash_ALG_ARGON2ID13 */) != 0) {
      throw new IllegalStateException("libsodium failed");
    }
    return out;
  }

  /**
   * libsodium on every core at once, as a loaded server hashes: each hash then takes longer than
   * alone, since the cores share the memory bus and the last-level cache that 19 MiB overflows.
   * Cores divided by this time is what the machine can really hash per second.
   */
  @Benchmark
  @Threads(Threads.MAX)
  public byte[] libsodiumTwoAtOnce() {
    return libsodium();
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
