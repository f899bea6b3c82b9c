package org.userman.common;

/** Where a request came from, as recorded on the session; either may be null. */
public record ClientInfo(String ip, String userAgent) {
  private static final int MAX_USER_AGENT = 512;

  public ClientInfo {
    if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
      userAgent = userAgent.substring(0, MAX_USER_AGENT);
    }
  }
}
