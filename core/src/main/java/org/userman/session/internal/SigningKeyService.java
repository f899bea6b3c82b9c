package org.userman.session.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userman.common.ErrorCode;
import org.userman.common.UsermanException;
import org.userman.crypto.EncryptionKey;
import org.userman.crypto.internal.SecretBox;
import org.userman.internal.Ids;
import org.userman.session.SigningKeys;
import org.userman.store.Dialect;
import org.userman.store.internal.Database;

/**
 * The ES256 keys that sign access tokens. They live in the database, so every node that shares it
 * signs and verifies with the same set, and tokens outlive restarts.
 *
 * <p>Rotation publishes a new key before it signs: it is in the JWK set from the moment it is made
 * and signs from its activation time on, so the services that cache the set have it before they
 * meet a token it signed. A key that a newer one has replaced stays published and verifies until
 * every token it signed has expired (one access-token lifetime after the replacement activated),
 * then it is dropped from the set.
 *
 * <p>The private keys are stored sealed (AES-256-GCM, {@link SecretBox}) under the encryption key,
 * which is not in the database: a copy of the database signs nothing. A key an older version stored
 * in clear is sealed at the first load with an encryption key.
 */
public final class SigningKeyService implements SigningKeys {
  /** How often a node rereads the set, to see keys that another node's rotation added. */
  private static final Duration RELOAD_EVERY = Duration.ofSeconds(30);

  /** Allowance for clocks that differ between nodes and token consumers. */
  private static final Duration SKEW = Duration.ofMinutes(1);

  /**
   * The least time between rereads for a key id this node does not know: a token with a made-up kid
   * must not make every request read and open every key.
   */
  private static final Duration UNKNOWN_KID_REREAD = Duration.ofSeconds(1);

  private static final System.Logger LOG = System.getLogger(SigningKeyService.class.getName());

  private final Database db;
  private final Clock clock;
  private final Ids ids;
  private final SecureRandom random;
  private final Duration accessTokenTtl;
  private final SecretBox box;
  private final String keyFingerprint;
  private volatile Instant lastUnknownKidReread = Instant.MIN;

  /**
   * Keys this node found in clear (an older version's) and sealed, since it last rotated for them.
   */
  private int sealedHere;

  private volatile Snapshot snapshot = new Snapshot(List.of(), Instant.MIN);

  /** One stored key, ready to sign and verify. */
  private record Entry(ECKey key, Instant activatesAt, JWSSigner signer, JWSVerifier verifier) {}

  private record Snapshot(List<Entry> keys, Instant loadedAt) {}

  public SigningKeyService(
      Database db,
      Clock clock,
      Ids ids,
      SecureRandom random,
      Duration accessTokenTtl,
      EncryptionKey key) {
    this.box = new SecretBox(key, "signing-keys", random);
    this.keyFingerprint = key.fingerprint();
    this.db = db;
    this.clock = clock;
    this.ids = ids;
    this.random = random;
    this.accessTokenTtl = accessTokenTtl;
  }

  /** Loads the keys, making the first one when the database has none. */
  public void load() {
    reload();
    boolean sealedClearKeys;
    synchronized (this) {
      sealedClearKeys = sealedHere > 0;
      sealedHere = 0;
    }
    if (sealedClearKeys) {
      // A key that was stored in clear may sit in a backup, a dump or free pages of the database
      // file: it signs no more from now on, and stops verifying once its tokens have expired.
      KeyInfo k = rotate(Duration.ZERO);
      LOG.log(
          System.Logger.Level.INFO,
          "sealed the signing keys an older version stored in clear; key "
              + k.kid()
              + " signs from now on");
    }
    if (snapshot.keys().isEmpty()) {
      try {
        insert(generate(), clock.instant());
      } catch (RuntimeException e) {
        // Another node made the first key at the same moment: use theirs.
        if (!Dialect.isUniqueViolation(e)) {
          throw e;
        }
      }
      reload();
    }
  }

  /**
   * Adds a new key that signs from {@code now + publishLead} on; returns it. With a zero lead it
   * signs at once (for a suspected leak, when waiting is worse than a refused token).
   */
  @Override
  public KeyInfo rotate(Duration publishLead) {
    ECKey key = generate();
    Instant activates = clock.instant().plus(publishLead);
    insert(key, activates);
    reload();
    return new KeyInfo(key.getKeyID(), activates, "published");
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

  private void insert(ECKey key, Instant activates) {
    db.tx(
        h ->
            h.createUpdate(
                    "INSERT INTO signing_keys (kid, algorithm, jwk, created_at, activates_at)"
                        + " VALUES (:kid, 'ES256', :jwk, :now, :activates)")
                .bind("kid", key.getKeyID())
                .bind("jwk", box.seal(key.toJSONString(), context(key.getKeyID())))
                .bind("now", clock.millis())
                .bind("activates", activates.toEpochMilli())
                .execute());
  }

  private record Row(String kid, String jwk, long createdAt, Long activatesAt) {}

  /**
   * The associated data a key is sealed with: its own id, so a sealed key moved to another row does
   * not open.
   */
  private static String context(String kid) {
    return "signing-key:" + kid;
  }

  private synchronized void reload() {
    List<Row> rows =
        db.read(
            h ->
                h.createQuery(
                        "SELECT kid, jwk, created_at, activates_at FROM signing_keys WHERE retired_at IS NULL")
                    .map(
                        (rs, ctx) -> {
                          long activates = rs.getLong("activates_at");
                          return new Row(
                              rs.getString("kid"),
                              rs.getString("jwk"),
                              rs.getLong("created_at"),
                              rs.wasNull() ? null : activates);
                        })
                    .list());
    // Keys in clear are an older version's, sealed here on the way (the upgrade). Once any key is
    // sealed, a key in clear is not one Userman wrote: someone who can write to the database but
    // lacks the encryption key must not plant a key that signs.
    boolean upgrade = rows.stream().noneMatch(r -> SecretBox.isSealed(r.jwk()));
    List<Entry> keys = new ArrayList<>();
    for (Row row : rows) {
      if (!SecretBox.isSealed(row.jwk()) && !upgrade) {
        LOG.log(
            System.Logger.Level.WARNING,
            "ignoring signing key " + row.kid() + ", stored in clear beside sealed keys");
        continue;
      }
      try {
        ECKey key = ECKey.parse(open(row));
        Instant activates =
            Instant.ofEpochMilli(row.activatesAt() != null ? row.activatesAt() : row.createdAt());
        keys.add(
            new Entry(key, activates, new ECDSASigner(key), new ECDSAVerifier(key.toPublicJWK())));
      } catch (ParseException | JOSEException e) {
        throw new IllegalStateException("a stored signing key is unreadable: " + e.getMessage(), e);
      }
    }
    // Oldest activation first; ids are time-ordered, so they break ties the same way on every node.
    keys.sort(
        (a, b) ->
            a.activatesAt().equals(b.activatesAt())
                ? a.key().getKeyID().compareTo(b.key().getKeyID())
                : a.activatesAt().compareTo(b.activatesAt()));
    snapshot = new Snapshot(List.copyOf(keys), clock.instant());
  }

  /**
   * The JWK of a row: opened, or, stored in clear by an older version, read and sealed in place.
   */
  private String open(Row row) {
    if (!SecretBox.isSealed(row.jwk())) {
      String sealed = box.seal(row.jwk(), context(row.kid()));
      // Only while it is still the same clear text: another node may be sealing it at this moment.
      int done =
          db.tx(
              h ->
                  h.createUpdate(
                          "UPDATE signing_keys SET jwk = :sealed WHERE kid = :kid AND jwk = :clear")
                      .bind("sealed", sealed)
                      .bind("kid", row.kid())
                      .bind("clear", row.jwk())
                      .execute());
      sealedHere += done;
      return row.jwk();
    }
    try {
      return box.open(row.jwk(), context(row.kid()));
    } catch (SecretBox.WrongKeyException e) {
      throw new UsermanException(
          ErrorCode.UNAVAILABLE,
          "the encryption key (fingerprint "
              + keyFingerprint
              + ") does not open the signing keys in the database:"
              + " every node and command needs the encryption key they were sealed with");
    }
  }

  private Snapshot fresh() {
    Snapshot s = snapshot;
    return stale(s) ? reloadIfStale() : s;
  }

  /**
   * Reloads once for all the requests that found the keys stale at the same moment: the others wait
   * for that reload rather than each running one of their own (opening every key again).
   */
  private synchronized Snapshot reloadIfStale() {
    if (stale(snapshot)) {
      reload();
    }
    return snapshot;
  }

  private boolean stale(Snapshot s) {
    return s.loadedAt().plus(RELOAD_EVERY).isBefore(clock.instant());
  }

  /** The newest key whose activation has come; the first key is active from its creation. */
  private Entry signing(Snapshot s, Instant now) {
    Entry current = s.keys().get(0);
    for (Entry e : s.keys()) {
      if (!e.activatesAt().isAfter(now)) {
        current = e;
      }
    }
    return current;
  }

  /** Whether {@code e} was replaced so long ago that no token it signed is still valid. */
  private boolean expired(Snapshot s, Entry e, Instant now) {
    Entry current = signing(s, now);
    return e.activatesAt().isBefore(current.activatesAt())
        && current.activatesAt().plus(accessTokenTtl).plus(SKEW).isBefore(now);
  }

  String currentKid() {
    Snapshot s = fresh();
    return signing(s, clock.instant()).key().getKeyID();
  }

  JWSSigner signer(String kid) {
    return fresh().keys().stream()
        .filter(e -> e.key().getKeyID().equals(kid))
        .findFirst()
        .orElseThrow()
        .signer();
  }

  /**
   * The verifier for {@code kid}, if that key is published; an unknown kid rereads the database
   * once (another node may have rotated).
   */
  Optional<JWSVerifier> verifier(String kid) {
    if (kid == null || kid.length() > 64) {
      return Optional.empty();
    }
    Optional<Entry> e = find(fresh(), kid);
    Instant now0 = clock.instant();
    if (e.isEmpty() && lastUnknownKidReread.plus(UNKNOWN_KID_REREAD).isBefore(now0)) {
      lastUnknownKidReread = now0;
      reload();
      e = find(snapshot, kid);
    }
    Instant now = clock.instant();
    return e.filter(entry -> !expired(snapshot, entry, now)).map(Entry::verifier);
  }

  private static Optional<Entry> find(Snapshot s, String kid) {
    return s.keys().stream().filter(e -> e.key().getKeyID().equals(kid)).findFirst();
  }

  /** The public JWK set, as published at {@code /.well-known/jwks.json}. */
  @Override
  public Map<String, Object> jwks() {
    Snapshot s = fresh();
    Instant now = clock.instant();
    List<JWK> keys = new ArrayList<>();
    for (Entry e : s.keys()) {
      if (!expired(s, e, now)) {
        keys.add(e.key().toPublicJWK());
      }
    }
    return new JWKSet(keys).toJSONObject(true);
  }

  /**
   * Every stored key with its state: signing, published (waiting to sign), verifying or expired.
   */
  @Override
  public List<KeyInfo> list() {
    reload();
    Snapshot s = snapshot;
    Instant now = clock.instant();
    Entry current = signing(s, now);
    List<KeyInfo> out = new ArrayList<>();
    for (Entry e : s.keys()) {
      String state =
          e.key().getKeyID().equals(current.key().getKeyID())
              ? "signing"
              : e.activatesAt().isAfter(now)
                  ? "published"
                  : expired(s, e, now) ? "expired" : "verifying";
      out.add(new KeyInfo(e.key().getKeyID(), e.activatesAt(), state));
    }
    return out;
  }
}
