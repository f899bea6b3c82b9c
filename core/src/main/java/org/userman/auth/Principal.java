package org.userman.auth;

/**
 * Who made a request: a user, through a session or through an API key (the other id is null), or a
 * service account ({@code clientSecretId} set; {@code userId} is then the account's id), through a
 * token granted for that client secret or through the secret itself.
 */
public record Principal(String userId, String sessionId, String apiKeyId, String clientSecretId) {
  /** A user's principal. */
  public Principal(String userId, String sessionId, String apiKeyId) {
    this(userId, sessionId, apiKeyId, null);
  }

  /** A service account's principal. */
  public static Principal serviceAccount(String serviceAccountId, String clientSecretId) {
    return new Principal(serviceAccountId, null, null, clientSecretId);
  }

  public boolean viaApiKey() {
    return apiKeyId != null;
  }

  public boolean isServiceAccount() {
    return clientSecretId != null;
  }
}
