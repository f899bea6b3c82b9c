package org.userman.event;

import java.util.Optional;

/**
 * The kinds of event an account change causes: the one list that listeners, webhooks and
 * docs/webhooks.md share. {@link #code} is the name on the wire ({@code user.created}); codes are
 * stable, and new kinds are only ever added.
 */
public enum EventType {
  /** A user was registered, by themselves or by an admin. */
  USER_CREATED("user.created"),
  /** Profile fields changed (name, username, attributes, email_verified); names them. */
  USER_UPDATED("user.updated"),
  /** The email address changed (confirmed by the user, or set by an admin). */
  USER_EMAIL_CHANGED("user.email_changed"),
  /** The status changed (pending, active, disabled): approved, disabled or enabled. */
  USER_STATUS_CHANGED("user.status_changed"),
  /** The user was deleted. */
  USER_DELETED("user.deleted"),
  /** The roles changed. */
  USER_ROLES_CHANGED("user.roles_changed"),
  /** The password was changed by its user, or set by an admin. */
  PASSWORD_CHANGED("password.changed"),
  /** The password was reset through a mailed token. */
  PASSWORD_RESET("password.reset"),
  /** A session began (a sign-in). */
  SESSION_CREATED("session.created"),
  /** A session ended by sign-out, or every session of the user at once. */
  SESSION_REVOKED("session.revoked"),
  /** A personal API key was created. */
  API_KEY_CREATED("api_key.created"),
  /** A personal API key was revoked, or every key of the user at once. */
  API_KEY_REVOKED("api_key.revoked");

  private final String code;

  EventType(String code) {
    this.code = code;
  }

  /** The name on the wire, as in {@code user.created}. */
  public String code() {
    return code;
  }

  public static Optional<EventType> fromCode(String code) {
    for (EventType t : values()) {
      if (t.code.equals(code)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
