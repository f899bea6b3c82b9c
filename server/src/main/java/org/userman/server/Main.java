package org.userman.server;

import org.userman.server.startup.Startup;

/** The program: every command line starts here; {@code serve} runs the server. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Startup.run(args, System.getenv(), System.in, System.err));
  }
}
