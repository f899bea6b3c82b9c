package org.userman.common;

/**
 * The stable problem codes of the public contract. The HTTP layer maps each to a status in one
 * place; two codes have a second variant because the contract answers them with another status on
 * some endpoints.
 */
public enum ErrorCode {
  MALFORMED_REQUEST("malformed_request"),
  VALIDATION_FAILED("validation_failed"),
  /** A one-time token (verification, reset) that is unknown, used, expired or superseded: 400. */
  INVALID_TOKEN("invalid_token"),
  /** A refresh token that is unknown, spent or whose session ended: 401. */
  INVALID_REFRESH_TOKEN("invalid_token"),
  UNAUTHENTICATED("unauthenticated"),
  /** Wrong login or password at sign-in: 401. */
  INVALID_CREDENTIALS("invalid_credentials"),
  /** Wrong current password when changing a credential of a signed-in user: 400. */
  WRONG_CURRENT_PASSWORD("invalid_credentials"),
  ACCOUNT_NOT_ACTIVE("account_not_active"),
  /**
   * The account has a second factor, and the sign-in asked for tokens in one step (the library's
   * {@code login}; the two-step sign-in answers with a challenge instead): 401.
   */
  SECOND_FACTOR_REQUIRED("second_factor_required"),
  /** A wrong or spent second-factor code at sign-in or re-authentication: 401. */
  INVALID_SECOND_FACTOR("invalid_code"),
  /** A wrong code while enrolling or turning off a second factor: 400. */
  WRONG_CODE("invalid_code"),
  /** A sign-in challenge that is unknown, used, expired or ended by wrong codes: 401. */
  INVALID_CHALLENGE("invalid_token"),
  /**
   * A sensitive action from a session whose last proof is not recent: re-authenticate, then repeat
   * it (403).
   */
  REAUTHENTICATION_REQUIRED("reauthentication_required"),
  /** TOTP is already on for the account (409). */
  TOTP_ENABLED("totp_enabled"),
  /** The action needs TOTP on, or an enrolment begun, and there is none (409). */
  TOTP_NOT_ENABLED("totp_not_enabled"),
  /**
   * A passkey's registration that does not verify (an unknown, spent or expired challenge, another
   * origin, a malformed or unsigned answer) or a key registered already: 400.
   */
  INVALID_PASSKEY("invalid_passkey"),
  /** The account holds as many passkeys as it may: 409. */
  PASSKEY_LIMIT("passkey_limit"),
  FORBIDDEN("forbidden"),
  REGISTRATION_CLOSED("registration_closed"),
  NOT_FOUND("not_found"),
  /** The path exists but not with this method: 405, with an {@code Allow} header. */
  METHOD_NOT_ALLOWED("method_not_allowed"),
  EMAIL_TAKEN("email_taken"),
  USERNAME_TAKEN("username_taken"),
  LAST_ADMIN("last_admin"),
  /** A role of the name exists already: 409. */
  ROLE_TAKEN("role_taken"),
  /** Users hold the role, and the deletion was not forced: 409. */
  ROLE_IN_USE("role_in_use"),
  /** The role is Userman's own ({@code admin}) and cannot be deleted: 409. */
  BUILT_IN_ROLE("built_in_role"),
  /** A service account of this name exists: 409. */
  SERVICE_ACCOUNT_TAKEN("service_account_taken"),
  /**
   * A client id and secret that do not name an active service account and one of its live secrets
   * (RFC 6749 section 5.2): 401.
   */
  INVALID_CLIENT("invalid_client"),
  /** A client credentials grant asked for a role the service account does not hold: 400. */
  INVALID_SCOPE("invalid_scope"),
  /** An organization of the slug exists already: 409. */
  SLUG_TAKEN("slug_taken"),
  /** The change would leave an organization without an owner: 409. */
  LAST_OWNER("last_owner"),
  /** The invited address is a member's already: 409. */
  ALREADY_MEMBER("already_member"),
  /** The invitation is to another address than the signed-in user's verified one: 403. */
  INVITATION_MISMATCH("invitation_mismatch"),
  /** A sign-in or refresh named an organization the user is no member of: 403. */
  NOT_A_MEMBER("not_a_member"),
  PAYLOAD_TOO_LARGE("payload_too_large"),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
  RATE_LIMITED("rate_limited"),
  UNAVAILABLE("unavailable"),
  INTERNAL_ERROR("internal_error");

  private final String code;

  ErrorCode(String code) {
    this.code = code;
  }

  /** The snake_case code clients see. */
  public String code() {
    return code;
  }
}
