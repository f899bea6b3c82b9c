package org.userman.client;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.userman.client.InvalidTokenException.Reason;

/** Reads a {@link Caller} from claims, the same way for a JWT and for an introspection answer. */
final class CallerClaims {
  private CallerClaims() {}

  static Caller caller(Map<String, Object> claims) throws InvalidTokenException {
    Object sub = claims.get("sub");
    if (!(sub instanceof String subject) || subject.isEmpty()) {
      throw new InvalidTokenException(Reason.MALFORMED, "the token names no subject");
    }
    Object exp = claims.get("exp");
    return new Caller(
        subject,
        string(claims, "sid"),
        strings(claims, "roles"),
        string(claims, "org_id"),
        strings(claims, "org_roles"),
        exp instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null,
        claims);
  }

  /** Seconds since the epoch, or null when the claim is absent or not a number. */
  static Instant time(Map<String, Object> claims, String name) {
    return claims.get(name) instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
  }

  /** {@code aud} is a string or an array of strings (RFC 7519, section 4.1.3). */
  static boolean hasAudience(Map<String, Object> claims, String audience) {
    Object aud = claims.get("aud");
    if (aud instanceof String s) {
      return s.equals(audience);
    }
    return aud instanceof List<?> list && list.contains(audience);
  }

  private static String string(Map<String, Object> claims, String name)
      throws InvalidTokenException {
    Object value = claims.get(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new InvalidTokenException(Reason.MALFORMED, "the claim " + name + " is not a string");
  }

  private static Set<String> strings(Map<String, Object> claims, String name)
      throws InvalidTokenException {
    Object value = claims.get(name);
    if (value == null) {
      return Set.of();
    }
    Set<String> out = new LinkedHashSet<>();
    if (value instanceof List<?> list) {
      for (Object item : list) {
        if (!(item instanceof String s)) {
          throw new InvalidTokenException(
              Reason.MALFORMED, "the claim " + name + " holds a value that is not a string");
        }
        out.add(s);
      }
      return out;
    }
    throw new InvalidTokenException(Reason.MALFORMED, "the claim " + name + " is not an array");
  }
}
