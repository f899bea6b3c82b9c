package org.userman.server.cli;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.server.config.ConfigException;
import org.userman.server.config.ConfigLoader;
import org.userman.server.config.ServerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(
    name = "userman",
    mixinStandardHelpOptions = true,
    version = "userman 0.1.0",
    description = "The Userman user-account service and its administration commands.",
    subcommands = {
      ServeCommand.class,
      UsersCommand.class,
      DbCommand.class,
      KeysCommand.class,
      WebhooksCommand.class,
      RolesCommand.class,
      ServiceAccountsCommand.class,
      InitCommand.class
    })
public final class RootCommand implements Runnable {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "YAML settings file (default: userman.yaml in the working directory, if present).")
  Path config;

  private final Map<String, String> env;
  final InputStream stdin;

  /** Completes once Helidon may be touched (see the startup package's warm-up). */
  final CompletableFuture<Void> helidonWarm;

  RootCommand(Map<String, String> env, InputStream stdin, CompletableFuture<Void> helidonWarm) {
    this.env = env;
    this.stdin = stdin;
    this.helidonWarm = helidonWarm;
  }

  ServerConfig loadConfig() {
    return configOf(config, env);
  }

  /**
   * The settings of {@code file} (or userman.yaml in the working directory) and the environment.
   */
  public static ServerConfig configOf(Path file, Map<String, String> env) {
    return ConfigLoader.load(file, env);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        new CommandLine(this),
        "name a command: serve, init, users, roles, service-accounts, db, keys or webhooks");
  }

  /** The command line with one-line error messages and exit status 1 for failures. */
  public static CommandLine commandLine(Map<String, String> env, InputStream stdin) {
    return commandLine(env, stdin, CompletableFuture.completedFuture(null));
  }

  /** The same, for a process that warms Helidon up meanwhile ({@code serve} waits for it). */
  public static CommandLine commandLine(
      Map<String, String> env, InputStream stdin, CompletableFuture<Void> helidonWarm) {
    CommandLine cl = new CommandLine(new RootCommand(env, stdin, helidonWarm));
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("userman: " + message(e));
          return 1;
        });
    return cl;
  }

  /** The one line a failure prints after {@code userman: }. */
  public static String message(Exception e) {
    if (e instanceof ValidationException v) {
      StringBuilder sb = new StringBuilder(v.getMessage());
      // field messages are sentences already; end each with exactly one full stop
      v.errors()
          .forEach(
              f ->
                  sb.append(' ')
                      .append(f.field())
                      .append(": ")
                      .append(f.message().replaceAll("\\.$", ""))
                      .append('.'));
      return sb.toString();
    }
    if (e instanceof UsermanException
        || e instanceof ConfigException
        || e instanceof CliException) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
