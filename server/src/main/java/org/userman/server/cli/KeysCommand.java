package org.userman.server.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.time.Duration;
import org.userman.Userman;
import org.userman.crypto.EncryptionKey;
import org.userman.session.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The keys that sign access tokens, shared by every node through the database. */
@Command(
    name = "keys",
    mixinStandardHelpOptions = true,
    description = "List and rotate the access-token signing keys; make the key that encrypts them.",
    subcommands = {
      KeysCommand.Rotate.class,
      KeysCommand.ListKeys.class,
      KeysCommand.NewEncryptionKey.class
    })
final class KeysCommand implements Runnable {
  @ParentCommand RootCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CliException("name a keys command: rotate, list or new-encryption-key");
  }

  static void print(PrintWriter out, SigningKeys.KeyInfo k) {
    out.printf("%s  %-10s activates %s%n", k.kid(), k.state(), k.activatesAt());
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "Add a new signing key. It is published at once and signs after the lead time,"
              + " so services that cache the key set know it first; the old key keeps verifying until its tokens expire.")
  static final class Rotate implements Runnable {
    @ParentCommand KeysCommand keys;
    @Spec CommandSpec spec;

    @Option(
        names = "--publish-lead",
        paramLabel = "MINUTES",
        defaultValue = "10",
        description =
            "Minutes between publishing the key and signing with it (default ${DEFAULT-VALUE}).")
    long leadMinutes;

    @Option(
        names = "--now",
        description = "Sign with the new key at once (after a suspected leak).")
    boolean now;

    @Override
    public void run() {
      if (leadMinutes < 0) {
        throw new CliException("--publish-lead cannot be negative");
      }
      try (Userman u = Userman.open(keys.root.loadConfig().core())) {
        SigningKeys.KeyInfo k =
            u.signingKeys().rotate(now ? Duration.ZERO : Duration.ofMinutes(leadMinutes));
        spec.commandLine().getOut().printf("new key %s signs from %s%n", k.kid(), k.activatesAt());
      }
    }
  }

  @Command(
      name = "new-encryption-key",
      mixinStandardHelpOptions = true,
      description =
          "Print a new random key for keys.encryption_key_file or USERMAN_KEYS_ENCRYPTION_KEY."
              + " Every node of one database needs the same key; keep a copy apart from the database backups.")
  static final class NewEncryptionKey implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().getOut().println(EncryptionKey.generate(new SecureRandom()).encoded());
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the signing keys and their states.")
  static final class ListKeys implements Runnable {
    @ParentCommand KeysCommand keys;
    @Spec CommandSpec spec;

    @Override
    public void run() {
      try (Userman u = Userman.open(keys.root.loadConfig().core())) {
        u.signingKeys().list().forEach(k -> print(spec.commandLine().getOut(), k));
      }
    }
  }
}
