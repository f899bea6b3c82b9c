package org.userman.server.cli;

import org.userman.server.node.Serving;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Run the HTTP server until stopped.")
final class ServeCommand implements Runnable {
  @ParentCommand RootCommand root;

  @Override
  public void run() {
    Serving.run(root.loadConfig(), root.helidonWarm);
  }
}
