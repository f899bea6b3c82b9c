package org.userman.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who made a request, as a token Userman issued says: the user (or, for a service account, its
 * client id) in {@code subject}, the session it came from, its roles, and the organization the
 * token was issued for with the roles held there. {@link #claims()} has every claim, for anything
 * else.
 *
 * @param subject the {@code sub} claim: a user id, or a service account's client id
 * @param sessionId the {@code sid} claim; null for tokens that no session stands behind
 * @param roles the {@code roles} claim; empty when there is none
 * @param orgId the {@code org_id} claim; null for tokens not issued for an organization
 * @param orgRoles the {@code org_roles} claim; empty when there is none
 * @param expiresAt the {@code exp} claim; null only for an introspected credential without one
 * @param claims every claim, unmodifiable, with times as seconds since the epoch
 */
public record Caller(
    String subject,
    String sessionId,
    Set<String> roles,
    String orgId,
    Set<String> orgRoles,
    Instant expiresAt,
    Map<String, Object> claims) {

  public Caller {
    Objects.requireNonNull(subject, "subject");
    roles = roles == null ? Set.of() : Set.copyOf(roles);
    orgRoles = orgRoles == null ? Set.of() : Set.copyOf(orgRoles);
    claims = claims == null ? Map.of() : frozen(claims);
  }

  /** Whether the caller holds every one of these roles. */
  public boolean hasRoles(String... required) {
    return roles.containsAll(List.of(required));
  }

  /**
   * Whether the token names an organization and the caller holds every one of these roles there.
   */
  public boolean hasOrgRoles(String... required) {
    return orgId != null && orgRoles.containsAll(List.of(required));
  }

  /** A claim by name, as parsed from JSON: a String, Number, Boolean, List or Map. */
  public Optional<Object> claim(String name) {
    return Optional.ofNullable(claims.get(name));
  }

  /** A claim by name when it is a string, such as {@code client_id}. */
  public Optional<String> stringClaim(String name) {
    return claim(name).filter(String.class::isInstance).map(String.class::cast);
  }

  // JSON may hold nulls, which Map.copyOf and List.copyOf refuse; nested values are frozen too so
  // that no holder of a Caller can change what another sees.
  private static Map<String, Object> frozen(Map<String, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, frozenValue(v)));
    return Collections.unmodifiableMap(copy);
  }

  private static Object frozenValue(Object value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put(String.valueOf(k), frozenValue(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> l) {
      List<Object> copy = new ArrayList<>(l.size());
      l.forEach(v -> copy.add(frozenValue(v)));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }
}
