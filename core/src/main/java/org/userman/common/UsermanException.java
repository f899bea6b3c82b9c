package org.userman.common;

/** A failure the caller can act on, named by a stable {@link ErrorCode}; never carries a secret. */
public class UsermanException extends RuntimeException {
  private final ErrorCode code;

  public UsermanException(ErrorCode code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
