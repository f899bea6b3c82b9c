package org.userman.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.userman.Userman;
import org.userman.account.NewUser;
import org.userman.account.User;
import org.userman.account.UserStatus;
import org.userman.common.Actor;
import org.userman.common.Page;
import org.userman.password.Password;
import org.userman.role.Role;
import org.userman.role.Roles;
import org.userman.serviceaccount.ServiceAccount;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * First setup for automation: the first admin and, if asked, a service account with a secret,
 * printed once. What exists already is left as it is, and said so: running it again changes
 * nothing.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Create the first admin and optionally a service account (its secret printed once);"
            + " running it again changes nothing.")
final class InitCommand implements Runnable {
  @ParentCommand RootCommand root;
  @Spec CommandSpec spec;

  @Option(names = "--admin-email", required = true, paramLabel = "E")
  String email;

  @Option(names = "--admin-name", paramLabel = "N")
  String name;

  @Option(names = "--admin-username", paramLabel = "U")
  String username;

  @ArgGroup(multiplicity = "1")
  PasswordSource password;

  /** Where the admin's password comes from: one of the two. */
  static final class PasswordSource {
    @Option(
        names = "--password-stdin",
        required = true,
        description = "Read the admin's password from the first line of standard input.")
    boolean stdin;

    @Option(
        names = "--password-file",
        required = true,
        paramLabel = "FILE",
        description = "Read the admin's password from the first line of FILE.")
    Path file;
  }

  @Option(
      names = "--service-account",
      paramLabel = "NAME",
      description = "Also create this service account, with a secret printed once.")
  String serviceAccount;

  @Option(
      names = "--service-account-role",
      paramLabel = "R",
      description = "A role of the service account (made if missing); repeat for several.")
  List<String> roles = new ArrayList<>();

  @Override
  public void run() {
    if (serviceAccount == null && !roles.isEmpty()) {
      throw new CliException("--service-account-role needs --service-account");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Userman u = Userman.open(root.loadConfig().core())) {
      admin(u, out);
      if (serviceAccount != null) {
        serviceAccount(u, out);
      }
    }
  }

  private void admin(Userman u, PrintWriter out) {
    Optional<User> existing = u.accounts().findByEmail(email);
    if (existing.isPresent()) {
      if (!existing.get().isAdmin()) {
        throw new CliException(
            "a user " + email + " exists and is not an admin; init changes nobody's roles");
      }
      out.println("admin " + email + " exists; unchanged");
      return;
    }
    User made =
        u.accounts()
            .create(
                new NewUser(
                    email,
                    readPassword(),
                    name,
                    username,
                    null,
                    UserStatus.ACTIVE,
                    List.of(Roles.ADMIN),
                    true),
                true,
                Actor.COMMAND_LINE);
    out.println("created admin " + made.email() + " (" + made.id() + ")");
  }

  private Password readPassword() {
    if (password.stdin) {
      return UsersCommand.firstLine(root.stdin, "standard input");
    }
    try (InputStream in = Files.newInputStream(password.file)) {
      return UsersCommand.firstLine(in, password.file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void serviceAccount(Userman u, PrintWriter out) {
    Optional<ServiceAccount> existing =
        UsersCommand.allPages(after -> u.serviceAccounts().list(Page.MAX_LIMIT, after)).stream()
            .filter(a -> a.name().equals(serviceAccount))
            .findFirst();
    if (existing.isPresent()) {
      out.println(
          "service account "
              + serviceAccount
              + " exists ("
              + existing.get().id()
              + "); unchanged, and its secrets are not shown again"
              + " (make another with: userman service-accounts new-secret "
              + existing.get().id()
              + ")");
      return;
    }
    Set<String> known =
        UsersCommand.allPages(after -> u.roles().list(Page.MAX_LIMIT, after)).stream()
            .map(Role::name)
            .collect(Collectors.toSet());
    for (String role : new TreeSet<>(roles)) {
      if (!known.contains(role)) {
        u.roles().create(role, null, Actor.COMMAND_LINE);
        out.println("created role " + role);
      }
    }
    ServiceAccount made =
        u.serviceAccounts().create(serviceAccount, null, roles, null, Actor.COMMAND_LINE);
    out.println("created service account " + made.name());
    ServiceAccountsCommand.printSecret(
        out, u.serviceAccounts().createSecret(made.id(), "init", null, Actor.COMMAND_LINE));
  }
}
