package org.userman.common;

/**
 * Who does something, and from where: the signed-in user (null when anonymous, or for the command
 * line), the session they act through (null for an API key, the command line or an anonymous
 * client), and the client's address and user agent, as the audit log records them. A change to a
 * credential made through a session holds only while that session does: a recovery that ends it at
 * the same moment wins.
 */
public record Actor(String userId, String sessionId, ClientInfo client) {
  /** An operator at the command line. */
  public static final Actor COMMAND_LINE =
      new Actor(null, null, new ClientInfo(null, "userman command line"));

  public Actor {
    client = client == null ? new ClientInfo(null, null) : client;
  }

  /** A user acting through no session (an API key), or nobody ({@code userId} null). */
  public Actor(String userId, ClientInfo client) {
    this(userId, null, client);
  }

  public static Actor anonymous(ClientInfo client) {
    return new Actor(null, null, client);
  }

  /**
   * The same client, acting as {@code id} (once a sign-in or a mailed token has said who it is).
   */
  public Actor as(String id) {
    return new Actor(id, null, client);
  }
}
