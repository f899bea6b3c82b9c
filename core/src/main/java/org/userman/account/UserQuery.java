package org.userman.account;

/** Admin listing filters; any filter may be null. {@code afterId} is the decoded cursor. */
public record UserQuery(String prefix, UserStatus status, String role, int limit, String afterId) {}
