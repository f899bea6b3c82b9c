package org.userman.server.cli;

/** A command that cannot go on; its message is printed as is. */
final class CliException extends RuntimeException {
  CliException(String message) {
    super(message);
  }
}
