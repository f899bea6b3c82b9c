package org.userman.server.cli;

import java.util.List;
import java.util.function.Function;
import org.userman.Userman;
import org.userman.common.Actor;
import org.userman.common.Page;
import org.userman.role.Role;
import org.userman.role.Roles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The roles admins may assign, straight in the configured database, with or without a server. */
@Command(
    name = "roles",
    mixinStandardHelpOptions = true,
    description = "List, create and delete the roles users may hold.",
    subcommands = {
      RolesCommand.ListRoles.class,
      RolesCommand.Create.class,
      RolesCommand.Delete.class
    })
final class RolesCommand implements Runnable {
  @ParentCommand RootCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CliException("name a roles command: list, create or delete");
  }

  <T> T with(Function<Roles, T> work) {
    try (Userman userman = Userman.open(root.loadConfig().core())) {
      return work.apply(userman.roles());
    }
  }

  static String line(Role r) {
    return String.format(
        "%-24s %6d user(s)%s%s",
        r.name(),
        r.users(),
        r.builtIn() ? "  built in" : "",
        r.description().isEmpty() ? "" : "  " + r.description());
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the roles, with how many users hold each.")
  static final class ListRoles implements Runnable {
    @ParentCommand RolesCommand roles;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public void run() {
      List<Role> all =
          roles.with(r -> UsersCommand.allPages(after -> r.list(Page.MAX_LIMIT, after)));
      UsersCommand.print(
          spec.commandLine().getOut(), json, all, UsersCommand.VIEWS::role, RolesCommand::line);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a role.")
  static final class Create implements Runnable {
    @ParentCommand RolesCommand roles;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Override
    public void run() {
      Role r = roles.with(x -> x.create(name, description, Actor.COMMAND_LINE));
      spec.commandLine().getOut().println(line(r));
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description =
          "Delete a role. While users hold it, this fails unless --force, which takes it from them.")
  static final class Delete implements Runnable {
    @ParentCommand RolesCommand roles;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--force", description = "Take the role from every user that holds it.")
    boolean force;

    @Override
    public void run() {
      long unassigned = roles.with(x -> x.delete(name, force, Actor.COMMAND_LINE));
      spec.commandLine()
          .getOut()
          .println(
              "deleted role "
                  + name
                  + (unassigned > 0 ? "; taken from " + unassigned + " user(s)" : ""));
    }
  }
}
