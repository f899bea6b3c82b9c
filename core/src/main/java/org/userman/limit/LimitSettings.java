package org.userman.limit;

import java.util.EnumMap;
import java.util.Map;
import org.userman.common.InvalidSettingException;

/**
 * Whether limits apply, the allowance of each rule (the rule's default where not set), and the
 * Redis that holds the buckets instead of the database (null: none), with the prefix of its keys.
 */
public record LimitSettings(
    boolean enabled, Map<LimitRule, Limit> limits, String redisUrl, String redisPrefix) {
  public LimitSettings {
    if (redisUrl != null && !redisUrl.matches("rediss?://.+")) {
      throw new InvalidSettingException(
          "redis.url", "must be a URL such as redis://127.0.0.1:6379/0");
    }
    if (redisPrefix == null) {
      throw new InvalidSettingException("redis.prefix", "is required");
    }
    Map<LimitRule, Limit> all = new EnumMap<>(LimitRule.class);
    for (LimitRule r : LimitRule.values()) {
      all.put(r, limits.getOrDefault(r, r.defaultLimit()));
    }
    limits = Map.copyOf(all);
  }

  public static LimitSettings defaults() {
    return new LimitSettings(true, Map.of(), null, "userman:");
  }

  public Limit of(LimitRule rule) {
    return limits.get(rule);
  }
}
