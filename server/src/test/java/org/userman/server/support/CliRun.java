package org.userman.server.support;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.userman.server.cli.RootCommand;
import picocli.CommandLine;

/**
 * One run of the command line against the database a test server uses, in this process: its exit
 * status and what it printed.
 */
public record CliRun(int exit, String out, String err) {
  /** Runs {@code args} with nothing on standard input. */
  public static CliRun run(TestServer s, String... args) {
    return runWithInput(s, "", args);
  }

  /** Runs {@code args} with {@code stdin} on standard input. */
  public static CliRun runWithInput(TestServer s, String stdin, String... args) {
    CommandLine cl =
        RootCommand.commandLine(
            s.env(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
