package org.userman.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;
import org.userman.server.cli.RootCommand;

/** The program: every command line starts here; {@code serve} runs the server. */
public final class Main {
  private Main() {}

  /** Library logging through java.util.logging, one line a message, unless the operator set a file. */
  private static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (IOException e) {
      System.err.println("userman: cannot read the logging settings: " + e.getMessage());
    }
  }

  public static void main(String[] args) {
    configureLogging();
    System.exit(RootCommand.commandLine(System.getenv(), System.in).execute(args));
  }
}
