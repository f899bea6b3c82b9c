package org.userman.server.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.userman.UsermanException;
import org.userman.ValidationException;
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
    subcommands = {ServeCommand.class, UsersCommand.class, DbCommand.class, KeysCommand.class})
public final class RootCommand implements Runnable {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description = "YAML settings file (default: userman.yaml in the working directory, if present).")
  Path config;

  private final Map<String, String> env;
  final InputStream stdin;

  RootCommand(Map<String, String> env, InputStream stdin) {
    this.env = env;
    this.stdin = stdin;
  }

  ServerConfig loadConfig() {
    return ConfigLoader.load(config, env);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "name a command: serve, users, db or keys");
  }

  /**
   * Runs a command line; returns the exit status. The plain {@code serve}, as operators and
   * containers start the server, runs its command directly: picocli's classes are Java 5 class
   * files, which the JVM's class-data archive does not hold, and building its model of the
   * commands took some 0.2 s of each start on 2 cores. The answer is the same as picocli's: a
   * failure prints one line, {@code userman: <message>}, to {@code err} and exits 1 (picocli
   * writes its own answers to standard error).
   */
  public static int execute(String[] args, Map<String, String> env, InputStream stdin, PrintStream err) {
    if (args.length == 1 && args[0].equals("serve")) {
      ServeCommand serve = new ServeCommand();
      serve.root = new RootCommand(env, stdin);
      try {
        serve.run();
        return 0;
      } catch (RuntimeException e) {
        err.println("userman: " + message(e));
        return 1;
      }
    }
    return commandLine(env, stdin).execute(args);
  }

  /** The command line with one-line error messages and exit status 1 for failures. */
  public static CommandLine commandLine(Map<String, String> env, InputStream stdin) {
    CommandLine cl = new CommandLine(new RootCommand(env, stdin));
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("userman: " + message(e));
          return 1;
        });
    return cl;
  }

  static String message(Exception e) {
    if (e instanceof ValidationException v) {
      StringBuilder sb = new StringBuilder(v.getMessage());
      // field messages are sentences already; end each with exactly one full stop
      v.errors().forEach(f -> sb.append(' ').append(f.field()).append(": ").append(f.message().replaceAll("\\.$", "")).append('.'));
      return sb.toString();
    }
    if (e instanceof UsermanException || e instanceof ConfigException || e instanceof CliException) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
