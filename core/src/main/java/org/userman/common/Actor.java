package org.userman.common;


/**
 * Who does something, and from where: the signed-in user (null when anonymous, or for the command
 * line) and the client's address and user agent, as the audit log records them.
 */
public record Actor(String userId, ClientInfo client) {
  /** An operator at the command line. */
  public static final Actor COMMAND_LINE = new Actor(null, new ClientInfo(null, "userman command line"));

  public Actor {
    client = client == null ? new ClientInfo(null, null) : client;
  }

  public static Actor anonymous(ClientInfo client) {
    return new Actor(null, client);
  }

  /** The same client, acting as {@code id} (once a sign-in or a mailed token has said who it is). */
  public Actor as(String id) {
    return new Actor(id, client);
  }
}
