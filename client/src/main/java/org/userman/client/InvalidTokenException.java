package org.userman.client;

/** A bearer token that does not authenticate its holder, and why. */
public final class InvalidTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a token was refused. */
  public enum Reason {
    /** Not a token at all: unparseable, too long, or missing a required claim. */
    MALFORMED,
    /** Signed with an algorithm the verifier does not accept (including {@code none}). */
    ALGORITHM_NOT_ALLOWED,
    /** Its {@code kid} is not in the issuer's key set, even after one refetch. */
    UNKNOWN_KEY,
    /** The signature does not match the key. */
    BAD_SIGNATURE,
    WRONG_ISSUER,
    WRONG_AUDIENCE,
    EXPIRED,
    /** Its {@code nbf} or {@code iat} lies in the future, beyond the allowed clock skew. */
    NOT_YET_VALID,
    /** Introspection says the token is not active (revoked, expired, or never issued). */
    INACTIVE,
    /**
     * Not the token's fault: the key set or the introspection endpoint could not be reached. A
     * filter answers 503 for it, not 401, so that a client does not drop a good token.
     */
    UNAVAILABLE
  }

  private final Reason reason;

  public InvalidTokenException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public InvalidTokenException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
