package org.userman.session;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userman.Ids;
import org.userman.store.Database;
import org.userman.store.Dialect;

/**
 * The ES256 keys that sign access tokens. They live in the database, so every node that shares it
 * signs and verifies with the same set, and tokens outlive restarts. The newest unretired key
 * signs; every unretired key verifies and is published in the JWK set.
 */
public final class SigningKeys {
  private final Database db;
  private final Clock clock;
  private final Ids ids;
  private final SecureRandom random;
  private volatile Snapshot snapshot = new Snapshot(new LinkedHashMap<>(), null);

  private record Entry(ECKey key, JWSSigner signer, JWSVerifier verifier) {}

  private record Snapshot(Map<String, Entry> byKid, String currentKid) {}

  public SigningKeys(Database db, Clock clock, Ids ids, SecureRandom random) {
    this.db = db;
    this.clock = clock;
    this.ids = ids;
    this.random = random;
  }

  /** Loads the keys, making the first one when the database has none. */
  public void load() {
    reload();
    if (snapshot.currentKid() == null) {
      try {
        insert(generate());
      } catch (RuntimeException e) {
        // Another node made the first key at the same moment: use theirs.
        if (!Dialect.isUniqueViolation(e)) {
          throw e;
        }
      }
      reload();
    }
  }

  private ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyID(ids.next())
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256)
          .secureRandom(random)
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate a P-256 key", e);
    }
  }

  private void insert(ECKey key) {
    db.tx(
        h ->
            h.createUpdate(
                    "INSERT INTO signing_keys (kid, algorithm, jwk, created_at) VALUES (:kid, 'ES256', :jwk, :now)")
                .bind("kid", key.getKeyID())
                .bind("jwk", key.toJSONString())
                .bind("now", clock.millis())
                .execute());
  }

  private synchronized void reload() {
    List<String> rows =
        db.read(h -> h.createQuery("SELECT jwk FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at, kid")
            .mapTo(String.class)
            .list());
    Map<String, Entry> byKid = new LinkedHashMap<>();
    String current = null;
    for (String json : rows) {
      try {
        ECKey key = ECKey.parse(json);
        byKid.put(key.getKeyID(), new Entry(key, new ECDSASigner(key), new ECDSAVerifier(key.toPublicJWK())));
        current = key.getKeyID();
      } catch (ParseException | JOSEException e) {
        throw new IllegalStateException("a stored signing key is unreadable: " + e.getMessage(), e);
      }
    }
    snapshot = new Snapshot(byKid, current);
  }

  String currentKid() {
    return snapshot.currentKid();
  }

  JWSSigner currentSigner() {
    Snapshot s = snapshot;
    return s.byKid().get(s.currentKid()).signer();
  }

  /** The verifier for {@code kid}; an unknown kid rereads the database once (another node may have rotated). */
  Optional<JWSVerifier> verifier(String kid) {
    if (kid == null) {
      return Optional.empty();
    }
    Entry e = snapshot.byKid().get(kid);
    if (e == null && kid.length() <= 64) {
      reload();
      e = snapshot.byKid().get(kid);
    }
    return Optional.ofNullable(e).map(Entry::verifier);
  }

  /** The public JWK set, as published at {@code /.well-known/jwks.json}. */
  public Map<String, Object> jwks() {
    List<com.nimbusds.jose.jwk.JWK> keys = new ArrayList<>();
    for (Entry e : snapshot.byKid().values()) {
      keys.add(e.key().toPublicJWK());
    }
    return new JWKSet(keys).toJSONObject(true);
  }
}
