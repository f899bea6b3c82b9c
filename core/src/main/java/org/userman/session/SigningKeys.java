package org.userman.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The keys that sign access tokens, shared by every node through the database. */
public interface SigningKeys {
  /** A key as operators see it: signing, published (not signing yet), verifying or expired. */
  record KeyInfo(String kid, Instant activatesAt, String state) {}

  /** The public JWK set, as published at {@code /.well-known/jwks.json}. */
  Map<String, Object> jwks();

  /**
   * Adds a new key, published at once, that signs from {@code now + publishLead} on (at once with a
   * zero lead, after a suspected leak).
   */
  KeyInfo rotate(Duration publishLead);

  /** Every stored key with its state. */
  List<KeyInfo> list();
}
