package org.userman.audit;

import java.util.Locale;
import java.util.Optional;

/** The kinds of account event the audit log records; {@link #code} is the name clients see. */
public enum AuditType {
  REGISTERED,
  EMAIL_VERIFIED,
  APPROVED,
  LOGIN_SUCCEEDED,
  LOGIN_FAILED,
  LOGOUT,
  REFRESH_REUSE_DETECTED,
  PASSWORD_CHANGED,
  PASSWORD_RESET,
  EMAIL_CHANGED,
  PROFILE_UPDATED,
  API_KEY_CREATED,
  API_KEY_REVOKED,
  ROLES_CHANGED,
  DISABLED,
  ENABLED,
  DELETED,
  RATE_LIMITED,
  /** The sign-in limit started refusing an account (a notice went to its owner). */
  LOCKED,
  /** An operator lifted an account's sign-in lock. */
  UNLOCKED,
  /** A TOTP authenticator was confirmed: the account has a second factor. */
  TOTP_ENABLED,
  /** TOTP was turned off by the user. */
  TOTP_DISABLED,
  /** A new set of recovery codes replaced the old. */
  RECOVERY_CODES_GENERATED,
  /** A recovery code stood in for the second factor. */
  RECOVERY_CODE_USED,
  /** A wrong or spent second-factor code. */
  SECOND_FACTOR_FAILED,
  /** An admin or operator removed every second factor of a user. */
  SECOND_FACTORS_RESET,
  /** A signed-in user proved who they are again, for a sensitive action. */
  REAUTHENTICATED,
  /** A user registered a passkey. */
  PASSKEY_ADDED,
  /** A user renamed one of their passkeys. */
  PASSKEY_RENAMED,
  /** A user removed one of their passkeys. */
  PASSKEY_REMOVED,
  /**
   * A passkey's answer was refused (wrong origin, bad signature, counter gone back, unknown key).
   */
  PASSKEY_FAILED,
  /** A user came in from an import file. */
  IMPORTED,
  /** An operator exported every user, with their password hashes. */
  EXPORTED,
  /** An admin registered a webhook endpoint. */
  WEBHOOK_CREATED,
  /** An admin changed a webhook endpoint (its URL, events, description, or enabled it). */
  WEBHOOK_UPDATED,
  /** An admin deleted a webhook endpoint. */
  WEBHOOK_DELETED,
  /** An admin rotated a webhook endpoint's signing secret. */
  WEBHOOK_SECRET_ROTATED,
  /** An admin queued a delivery again. */
  WEBHOOK_REDELIVERED,
  /** Userman disabled a webhook endpoint that failed for too long. */
  WEBHOOK_DISABLED,
  /** An admin created a role. */
  ROLE_CREATED,
  /** An admin deleted a role (forced: taking it from the users that held it, each audited). */
  ROLE_DELETED,
  /** An admin created a service account. */
  SERVICE_ACCOUNT_CREATED,
  /** An admin changed a service account (its name, description, status or roles). */
  SERVICE_ACCOUNT_UPDATED,
  /** An admin deleted a service account. */
  SERVICE_ACCOUNT_DELETED,
  /** An admin made a client secret for a service account. */
  CLIENT_SECRET_CREATED,
  /** An admin revoked a service account's client secret. */
  CLIENT_SECRET_REVOKED,
  /** A client id and secret were refused (a grant or an introspection's caller). */
  CLIENT_AUTH_FAILED,
  /** A user created an organization (and became its owner). */
  ORGANIZATION_CREATED,
  /** An organization's name or slug changed. */
  ORGANIZATION_UPDATED,
  /** An organization was deleted, with its memberships (never its users). */
  ORGANIZATION_DELETED,
  /** An instance admin added a user to an organization. */
  ORGANIZATION_MEMBER_ADDED,
  /** A member's organization roles changed. */
  ORGANIZATION_MEMBER_UPDATED,
  /** A member left or was removed from an organization. */
  ORGANIZATION_MEMBER_REMOVED,
  /** An invitation to an organization was mailed. */
  ORGANIZATION_INVITATION_SENT,
  /** An invitation to an organization was revoked. */
  ORGANIZATION_INVITATION_REVOKED,
  /** A user accepted an invitation and joined the organization. */
  ORGANIZATION_INVITATION_ACCEPTED;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AuditType> fromCode(String code) {
    for (AuditType t : values()) {
      if (t.code().equals(code)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
