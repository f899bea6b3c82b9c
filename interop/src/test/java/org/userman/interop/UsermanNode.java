package org.userman.interop;

import java.util.List;

/** A running Userman node (see {@link UsermanJar#serve}), at {@code http://127.0.0.1:port}. */
final class UsermanNode implements AutoCloseable {
  private final AutoCloseable server;
  private final int port;
  private final List<String> log;

  UsermanNode(AutoCloseable server, int port, List<String> log) {
    this.server = server;
    this.port = port;
    this.log = log;
  }

  /** Where it listens (not its public URL, which is what its tokens name as issuer). */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Its request log so far, one line a request. */
  String log() {
    synchronized (log) {
      return String.join("\n", log);
    }
  }

  @Override
  public void close() {
    try {
      server.close(); // UsermanServer.close, which throws nothing checked
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
