package org.userman.auth;

/** Who made a request: a user, through a session or through an API key (the other id is null). */
public record Principal(String userId, String sessionId, String apiKeyId) {
  public boolean viaApiKey() {
    return apiKeyId != null;
  }
}
