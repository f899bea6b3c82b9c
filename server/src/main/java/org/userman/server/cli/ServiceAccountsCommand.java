package org.userman.server.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.userman.Userman;
import org.userman.common.Actor;
import org.userman.common.Page;
import org.userman.serviceaccount.CreatedClientSecret;
import org.userman.serviceaccount.ServiceAccount;
import org.userman.serviceaccount.ServiceAccounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Service accounts and their client secrets, straight in the configured database. */
@Command(
    name = "service-accounts",
    mixinStandardHelpOptions = true,
    description = "List, create and delete service accounts, and make and revoke their secrets.",
    subcommands = {
      ServiceAccountsCommand.ListAccounts.class,
      ServiceAccountsCommand.Create.class,
      ServiceAccountsCommand.Delete.class,
      ServiceAccountsCommand.NewSecret.class,
      ServiceAccountsCommand.RevokeSecret.class
    })
final class ServiceAccountsCommand implements Runnable {
  @ParentCommand RootCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CliException(
        "name a service-accounts command: list, create, delete, new-secret or revoke-secret");
  }

  <T> T with(Function<ServiceAccounts, T> work) {
    try (Userman userman = Userman.open(root.loadConfig().core())) {
      return work.apply(userman.serviceAccounts());
    }
  }

  static String line(ServiceAccount a) {
    return String.format(
        "%s  %-24s %-8s %s%s",
        a.id(),
        a.name(),
        a.status(),
        a.roles().isEmpty() ? "-" : String.join(",", a.roles()),
        a.description().isEmpty() ? "" : "  " + a.description());
  }

  /** Prints a secret just made: the client id and the secret, which nobody sees again. */
  static void printSecret(PrintWriter out, CreatedClientSecret made) {
    out.println("client_id: " + made.clientSecret().serviceAccountId());
    out.println("client_secret: " + made.secret());
    out.println("(the secret is shown this once; Userman keeps only its hash)");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List service accounts.")
  static final class ListAccounts implements Runnable {
    @ParentCommand ServiceAccountsCommand accounts;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public void run() {
      List<ServiceAccount> all =
          accounts.with(a -> UsersCommand.allPages(after -> a.list(Page.MAX_LIMIT, after)));
      UsersCommand.print(
          spec.commandLine().getOut(),
          json,
          all,
          UsersCommand.VIEWS::serviceAccount,
          ServiceAccountsCommand::line);
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a service account, and with --secret its first secret.")
  static final class Create implements Runnable {
    @ParentCommand ServiceAccountsCommand accounts;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(
        names = "--role",
        paramLabel = "R",
        description = "A role to grant; repeat for several.")
    List<String> roles = new ArrayList<>();

    @Option(
        names = "--organization",
        paramLabel = "ID",
        description = "The organization that owns it (deleted with it); none: the instance's.")
    String organization;

    @Option(names = "--secret", description = "Also make a secret, and print it once.")
    boolean secret;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      accounts.with(
          a -> {
            ServiceAccount made =
                a.create(name, description, roles, organization, Actor.COMMAND_LINE);
            out.println("created " + line(made));
            if (secret) {
              printSecret(out, a.createSecret(made.id(), "", null, Actor.COMMAND_LINE));
            }
            return null;
          });
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a service account; its secrets and tokens stop working at once.")
  static final class Delete implements Runnable {
    @ParentCommand ServiceAccountsCommand accounts;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public void run() {
      accounts.with(
          a -> {
            a.delete(id, Actor.COMMAND_LINE);
            return null;
          });
      spec.commandLine().getOut().println("deleted service account " + id);
    }
  }

  @Command(
      name = "new-secret",
      mixinStandardHelpOptions = true,
      description = "Make a client secret for the account and print it once.")
  static final class NewSecret implements Runnable {
    @ParentCommand ServiceAccountsCommand accounts;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--name", paramLabel = "TEXT")
    String name;

    @Option(
        names = "--expires-at",
        paramLabel = "TIME",
        description = "When it stops working (RFC 3339, e.g. 2027-01-31T00:00:00Z).")
    String expiresAt;

    @Override
    public void run() {
      Instant until;
      try {
        until = expiresAt == null ? null : Instant.parse(expiresAt);
      } catch (DateTimeParseException e) {
        throw new CliException("--expires-at is not an RFC 3339 time: " + expiresAt);
      }
      CreatedClientSecret made =
          accounts.with(a -> a.createSecret(id, name, until, Actor.COMMAND_LINE));
      printSecret(spec.commandLine().getOut(), made);
    }
  }

  @Command(
      name = "revoke-secret",
      mixinStandardHelpOptions = true,
      description = "Revoke a client secret and every token granted with it.")
  static final class RevokeSecret implements Runnable {
    @ParentCommand ServiceAccountsCommand accounts;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "SECRET_ID")
    String secretId;

    @Override
    public void run() {
      accounts.with(
          a -> {
            a.deleteSecret(id, secretId, Actor.COMMAND_LINE);
            return null;
          });
      spec.commandLine().getOut().println("revoked secret " + secretId);
    }
  }
}
