package org.userman.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;
import org.userman.limit.RateLimitedException;

/** The one place where failures become RFC 9457 problem documents. */
public final class Problems {
  static final String PROBLEM_JSON = "application/problem+json";
  private static final Header CONTENT_TYPE =
      HeaderValues.createCached(HeaderNames.CONTENT_TYPE, PROBLEM_JSON);
  private final ObjectMapper json;

  public Problems(ObjectMapper json) {
    this.json = json;
  }

  public static int status(ErrorCode code) {
    return switch (code) {
      case MALFORMED_REQUEST,
          VALIDATION_FAILED,
          INVALID_TOKEN,
          WRONG_CURRENT_PASSWORD,
          WRONG_CODE,
          INVALID_PASSKEY,
          INVALID_SCOPE ->
          400;
      case UNAUTHENTICATED,
          INVALID_CREDENTIALS,
          INVALID_REFRESH_TOKEN,
          INVALID_CHALLENGE,
          INVALID_SECOND_FACTOR,
          SECOND_FACTOR_REQUIRED,
          INVALID_CLIENT ->
          401;
      case ACCOUNT_NOT_ACTIVE,
          FORBIDDEN,
          REGISTRATION_CLOSED,
          REAUTHENTICATION_REQUIRED,
          INVITATION_MISMATCH,
          NOT_A_MEMBER ->
          403;
      case NOT_FOUND -> 404;
      case METHOD_NOT_ALLOWED -> 405;
      case EMAIL_TAKEN,
          USERNAME_TAKEN,
          LAST_ADMIN,
          ROLE_TAKEN,
          ROLE_IN_USE,
          BUILT_IN_ROLE,
          SERVICE_ACCOUNT_TAKEN,
          SLUG_TAKEN,
          LAST_OWNER,
          ALREADY_MEMBER,
          TOTP_ENABLED,
          TOTP_NOT_ENABLED,
          PASSKEY_LIMIT ->
          409;
      case PAYLOAD_TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case RATE_LIMITED -> 429;
      case INTERNAL_ERROR -> 500;
      case UNAVAILABLE -> 503;
    };
  }

  private static String title(ErrorCode code) {
    return switch (code) {
      case MALFORMED_REQUEST -> "Malformed request";
      case VALIDATION_FAILED -> "Validation failed";
      case INVALID_TOKEN, INVALID_REFRESH_TOKEN, INVALID_CHALLENGE -> "Invalid token";
      case INVALID_SECOND_FACTOR, WRONG_CODE -> "Invalid code";
      case SECOND_FACTOR_REQUIRED -> "Second factor required";
      case REAUTHENTICATION_REQUIRED -> "Re-authentication required";
      case TOTP_ENABLED -> "TOTP is on";
      case TOTP_NOT_ENABLED -> "TOTP is not on";
      case INVALID_PASSKEY -> "Invalid passkey";
      case PASSKEY_LIMIT -> "Too many passkeys";
      case UNAUTHENTICATED -> "Unauthenticated";
      case INVALID_CREDENTIALS, WRONG_CURRENT_PASSWORD -> "Invalid credentials";
      case ACCOUNT_NOT_ACTIVE -> "Account not active";
      case FORBIDDEN -> "Forbidden";
      case REGISTRATION_CLOSED -> "Registration closed";
      case NOT_FOUND -> "Not found";
      case METHOD_NOT_ALLOWED -> "Method not allowed";
      case EMAIL_TAKEN -> "Email taken";
      case USERNAME_TAKEN -> "Username taken";
      case LAST_ADMIN -> "Last admin";
      case ROLE_TAKEN -> "Role taken";
      case ROLE_IN_USE -> "Role in use";
      case BUILT_IN_ROLE -> "Built-in role";
      case SERVICE_ACCOUNT_TAKEN -> "Service account taken";
      case INVALID_CLIENT -> "Invalid client";
      case INVALID_SCOPE -> "Invalid scope";
      case SLUG_TAKEN -> "Slug taken";
      case LAST_OWNER -> "Last owner";
      case ALREADY_MEMBER -> "Already a member";
      case INVITATION_MISMATCH -> "Invitation for another address";
      case NOT_A_MEMBER -> "Not a member";
      case PAYLOAD_TOO_LARGE -> "Payload too large";
      case UNSUPPORTED_MEDIA_TYPE -> "Unsupported media type";
      case RATE_LIMITED -> "Rate limited";
      case UNAVAILABLE -> "Service unavailable";
      case INTERNAL_ERROR -> "Internal error";
    };
  }

  /** The problem document of {@code e} with {@code status}, as bytes. */
  byte[] body(UsermanException e, int status) {
    try {
      return json.writeValueAsBytes(document(e, status));
    } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
      throw new IllegalStateException(x);
    }
  }

  /** Answers with the problem document of {@code e}, with the headers its status asks for. */
  public void send(ServerResponse res, UsermanException e) {
    send(res, e, status(e.code()));
  }

  /**
   * The same with another status than the code's own (the web server's, for what it refused
   * itself).
   */
  void send(ServerResponse res, UsermanException e, int status) {
    res.status(status);
    if (status == 401) {
      res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    if (e instanceof RateLimitedException limited) {
      res.header(HeaderNames.RETRY_AFTER, Long.toString(limited.retryAfterSeconds()));
    }
    res.header(CONTENT_TYPE);
    res.send(body(e, status));
  }

  private ObjectNode document(UsermanException e, int status) {
    ErrorCode code = e.code();
    ObjectNode body = json.createObjectNode();
    body.put("type", "urn:userman:problem:" + code.code());
    body.put("title", title(code));
    body.put("status", status);
    body.put("detail", e.getMessage());
    body.put("code", code.code());
    if (e instanceof ValidationException v) {
      ArrayNode errors = body.putArray("errors");
      for (FieldError f : v.errors()) {
        errors
            .addObject()
            .put("field", f.field())
            .put("code", f.code())
            .put("message", f.message());
      }
    }
    return body;
  }
}
