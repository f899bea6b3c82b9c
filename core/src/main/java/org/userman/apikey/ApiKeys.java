package org.userman.apikey;

import java.time.Instant;
import java.util.List;
import org.userman.common.Actor;

/**
 * Personal API keys: {@code um_} and 43 random URL-safe characters, so secret scanners can
 * recognize a leaked one; stored only as a hash.
 */
public interface ApiKeys {
  /** The prefix every key starts with. */
  String KEY_PREFIX = "um_";

  /** Makes a key for the user (who hears of it by mail); the key is in the answer only. */
  CreatedApiKey create(String userId, String name, Instant expiresAt, Actor actor);

  List<ApiKey> list(String userId);

  /** Revokes one key of the user; {@code not_found} for another's or an unknown one. */
  void delete(String userId, String keyId, Actor actor);

  /** Revokes every key of the user. */
  void deleteAll(String userId, Actor actor);
}
