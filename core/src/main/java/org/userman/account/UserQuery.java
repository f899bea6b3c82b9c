package org.userman.account;

/** Admin listing filters; any filter may be null. {@code afterId} is the decoded cursor. */
public record UserQuery(String prefix, UserStatus status, String role, int limit, String afterId) {
  public static final int MAX_LIMIT = 200;
  public static final int DEFAULT_LIMIT = 50;
}
