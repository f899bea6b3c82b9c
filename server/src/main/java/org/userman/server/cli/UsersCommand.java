package org.userman.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import org.userman.Userman;
import org.userman.account.NewUser;
import org.userman.account.User;
import org.userman.account.UserPatch;
import org.userman.account.UserQuery;
import org.userman.account.UserStatus;
import org.userman.common.Actor;
import org.userman.common.ErrorCode;
import org.userman.common.Page;
import org.userman.common.UsermanException;
import org.userman.password.Password;
import org.userman.server.http.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * User administration straight on the configured database, with or without a server running. USER
 * is an email or a user id.
 */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "Manage users in the configured database.",
    subcommands = {
      UsersCommand.Create.class,
      UsersCommand.ListUsers.class,
      UsersCommand.Show.class,
      UsersCommand.Update.class,
      UsersCommand.Delete.class,
      UsersCommand.SetPassword.class,
      UsersCommand.Unlock.class,
      UsersCommand.ResetFactors.class,
      TransferCommands.Import.class,
      TransferCommands.Export.class
    })
final class UsersCommand implements Runnable {
  @ParentCommand RootCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CliException(
        "name a users command: create, list, show, update, delete, set-password, unlock,"
            + " reset-factors, import or export");
  }

  /**
   * Opens the library on the configured database, runs {@code work}, closes it. Its writes tell the
   * running nodes as a node's do (SQLite's nodes ask SQLite; PostgreSQL's hear a notification
   * before their next request's check).
   */
  <T> T withUserman(Function<Userman, T> work) {
    try (Userman userman = Userman.open(root.loadConfig().core())) {
      return work.apply(userman);
    }
  }

  /**
   * Runs {@code action} on the user that {@code user} names (an email or an id); returns the user's
   * id.
   */
  String onUser(String user, java.util.function.BiConsumer<Userman, String> action) {
    return withUserman(
        um -> {
          String id = find(um, user).id();
          action.accept(um, id);
          return id;
        });
  }

  static User find(Userman u, String user) {
    return u.accounts()
        .findByIdOrEmail(user)
        .orElseThrow(() -> new CliException("no user " + user));
  }

  /** The password on the first line of {@code in}; {@code where} names it in the failure. */
  static Password firstLine(java.io.InputStream in, String where) {
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line = r.readLine();
      if (line == null || line.isEmpty()) {
        throw new CliException("no password on " + where);
      }
      return Password.of(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The password from standard input (first line) or, without --password-stdin, asked on the
   * terminal.
   */
  Password readPassword(boolean fromStdin) {
    if (fromStdin) {
      return firstLine(root.stdin, "standard input");
    }
    Console console = terminal();
    if (console == null) {
      throw new CliException(
          "no terminal to ask for the password on; pipe it in with --password-stdin");
    }
    char[] first = console.readPassword("Password: ");
    char[] again = console.readPassword("Repeat it: ");
    if (first == null || again == null || !Arrays.equals(first, again)) {
      throw new CliException("the passwords differ");
    }
    return Password.of(new String(first));
  }

  /**
   * The terminal, or null when there is none. From JDK 22 on, System.console() can return a console
   * that is not a terminal, which says so through isTerminal(); on 21 it returns null.
   */
  @SuppressWarnings("SystemConsoleNull") // null on JDK 21, which Userman still runs on
  static Console terminal() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      Object isTerminal = Console.class.getMethod("isTerminal").invoke(console);
      return Boolean.TRUE.equals(isTerminal) ? console : null;
    } catch (ReflectiveOperationException e) {
      return console;
    }
  }

  static final ObjectMapper JSON =
      Userman.jsonMapper().copy().enable(SerializationFeature.INDENT_OUTPUT);
  static final Views VIEWS = new Views(JSON);

  /**
   * Every item of a paged list: {@code page} gives the page after the given id (null: the first).
   */
  static <T> List<T> allPages(Function<String, Page<T>> page) {
    List<T> out = new ArrayList<>();
    String after = null;
    do {
      Page<T> p = page.apply(after);
      out.addAll(p.items());
      after = p.nextAfterId();
    } while (after != null);
    return out;
  }

  /** Prints {@code items} as one JSON array ({@code json}) or a line each. */
  static <T> void print(
      PrintWriter out,
      boolean json,
      List<T> items,
      Function<T, JsonNode> view,
      Function<T, String> line) {
    if (json) {
      ArrayNode array = JSON.createArrayNode();
      items.forEach(i -> array.add(view.apply(i)));
      out.println(json(array));
    } else {
      items.forEach(i -> out.println(line.apply(i)));
    }
  }

  static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String line(User u) {
    return String.format(
        "%s  %-32s %-8s %-16s %s",
        u.id(), u.email(), u.status().wire(), String.join(",", u.roles()), u.name());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create an active user whose email counts as verified.")
  static final class Create implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Option(names = "--email", required = true, paramLabel = "E")
    String email;

    @Option(names = "--name", paramLabel = "N")
    String name;

    @Option(names = "--username", paramLabel = "U")
    String username;

    @Option(
        names = "--role",
        paramLabel = "R",
        description = "A role to grant; repeat for several.")
    List<String> roles = new ArrayList<>();

    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    public void run() {
      Password password = users.readPassword(passwordStdin);
      User u =
          users.withUserman(
              um ->
                  um.accounts()
                      .create(
                          new NewUser(
                              email,
                              password,
                              name,
                              username,
                              null,
                              UserStatus.ACTIVE,
                              roles,
                              true),
                          true,
                          Actor.COMMAND_LINE));
      spec.commandLine().getOut().println("created " + u.id() + " " + u.email());
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List users, oldest first.")
  static final class ListUsers implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Option(
        names = "--prefix",
        paramLabel = "P",
        description = "Start of the email, username or name, any case.")
    String prefix;

    @Option(names = "--status", paramLabel = "S", description = "pending, active or disabled.")
    String status;

    @Option(names = "--role", paramLabel = "R")
    String role;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public void run() {
      UserStatus s = status == null ? null : parseStatus(status);
      List<User> all =
          users.withUserman(
              um ->
                  allPages(
                      after ->
                          um.accounts()
                              .list(new UserQuery(prefix, s, role, Page.MAX_LIMIT, after))));
      print(spec.commandLine().getOut(), json, all, VIEWS::user, UsersCommand::line);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one user.")
  static final class Show implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "USER", description = "Email or id.")
    String user;

    @Option(names = "--json")
    boolean json;

    @Override
    public void run() {
      User u = users.withUserman(um -> find(um, user));
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(json(VIEWS.user(u)));
      } else {
        out.printf(
            "id:             %s%nemail:          %s%nemail verified: %s%nusername:       %s%nname:           %s%n"
                + "status:         %s%nroles:          %s%ncreated:        %s%nlast login:     %s%n",
            u.id(),
            u.email(),
            u.emailVerified(),
            u.username() == null ? "-" : u.username(),
            u.name(),
            u.status().wire(),
            String.join(", ", u.roles()),
            u.createdAt(),
            u.lastLoginAt() == null ? "never" : u.lastLoginAt());
      }
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Change a user's fields and roles.")
  static final class Update implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "USER", description = "Email or id.")
    String user;

    @Option(names = "--email", paramLabel = "E")
    String email;

    @Option(names = "--name", paramLabel = "N")
    String name;

    @Option(names = "--username", paramLabel = "U")
    String username;

    @Option(names = "--status", paramLabel = "S", description = "pending, active or disabled.")
    String status;

    @Option(names = "--add-role", paramLabel = "R")
    List<String> addRoles = new ArrayList<>();

    @Option(names = "--remove-role", paramLabel = "R")
    List<String> removeRoles = new ArrayList<>();

    @Override
    public void run() {
      UserStatus s = status == null ? null : parseStatus(status);
      User u =
          users.withUserman(
              um -> {
                User cur = find(um, user);
                List<String> roles = null;
                if (!addRoles.isEmpty() || !removeRoles.isEmpty()) {
                  TreeSet<String> set = new TreeSet<>(cur.roles());
                  set.addAll(addRoles);
                  set.removeAll(removeRoles);
                  roles = List.copyOf(set);
                }
                return um.accounts()
                    .update(
                        cur.id(),
                        new UserPatch(email, null, username, false, name, s, roles, null, null),
                        Actor.COMMAND_LINE);
              });
      spec.commandLine().getOut().println("updated " + line(u));
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a user and everything that is theirs.")
  static final class Delete implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "USER", description = "Email or id.")
    String user;

    @Option(names = "--yes", description = "Do not ask for confirmation.")
    boolean yes;

    @Override
    public void run() {
      if (!yes) {
        Console console = terminal();
        if (console == null) {
          throw new CliException("no terminal to confirm on; add --yes to delete " + user);
        }
        String answer = console.readLine("Delete %s and all their sessions and keys? [y/N] ", user);
        if (answer == null || !answer.strip().equalsIgnoreCase("y")) {
          throw new CliException("not deleted");
        }
      }
      String id = users.onUser(user, (um, uid) -> um.accounts().delete(uid, Actor.COMMAND_LINE));
      spec.commandLine().getOut().println("deleted " + id);
    }
  }

  @Command(
      name = "set-password",
      mixinStandardHelpOptions = true,
      description =
          "Set a user's password; every session, API key and mailed token of the user ends.")
  static final class SetPassword implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "USER", description = "Email or id.")
    String user;

    @Option(
        names = "--password-stdin",
        description = "Read the password from the first line of standard input.")
    boolean passwordStdin;

    @Override
    public void run() {
      Password password = users.readPassword(passwordStdin);
      String id =
          users.onUser(
              user, (um, uid) -> um.accounts().setPassword(uid, password, Actor.COMMAND_LINE));
      spec.commandLine().getOut().println("password set for " + id);
    }
  }

  @Command(
      name = "unlock",
      mixinStandardHelpOptions = true,
      description =
          "Lift the user's sign-in lock (too many wrong passwords) at once, on every node.")
  static final class Unlock implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "USER", description = "Email or id.")
    String user;

    @Override
    public void run() {
      String id = users.onUser(user, (um, uid) -> um.accounts().unlock(uid, Actor.COMMAND_LINE));
      spec.commandLine().getOut().println("unlocked " + id);
    }
  }

  @Command(
      name = "reset-factors",
      mixinStandardHelpOptions = true,
      description =
          "Remove the user's second factors (TOTP, recovery codes and passkeys), for a lost phone:"
              + " signing in asks for the password alone until they set up an app again. Audited,"
              + " and the user is told by mail.")
  static final class ResetFactors implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "USER", description = "Email or id.")
    String user;

    @Override
    public void run() {
      String id =
          users.onUser(user, (um, uid) -> um.secondFactors().reset(uid, Actor.COMMAND_LINE));
      spec.commandLine().getOut().println("second factors reset for " + id);
    }
  }

  static UserStatus parseStatus(String s) {
    return UserStatus.parse(s)
        .orElseThrow(
            () ->
                new UsermanException(
                    ErrorCode.VALIDATION_FAILED, "status must be pending, active or disabled"));
  }
}
