package org.userman.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A passkey authenticator in software, for the API tests: one ES256 key, discoverable, verifying
 * its user, with "none" attestation. It answers WebAuthn's options as a browser would hand the
 * result to a page ({@code PublicKeyCredential.toJSON()}), for any origin the test names, so tests
 * can also play a page of another site. CBOR is written by hand: the two small maps it needs.
 */
public final class SoftwareAuthenticator {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();
  private static final byte UP = 0x01;
  private static final byte UV = 0x04;
  private static final byte BE = 0x08;
  private static final byte AT = 0x40;
  private final KeyPair key;
  private final byte[] credentialId = new byte[16];
  private final boolean synced;
  private byte[] userHandle;
  private long counter;

  /** A device-bound key ({@code synced} false) or a synced passkey. */
  public SoftwareAuthenticator(boolean synced) {
    this.synced = synced;
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      key = g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    new SecureRandom().nextBytes(credentialId);
  }

  public SoftwareAuthenticator() {
    this(false);
  }

  /** The next signature counts from {@code value} (an authenticator copied, or gone back). */
  public void counter(long value) {
    counter = value;
  }

  public String credentialId() {
    return B64.encodeToString(credentialId);
  }

  /**
   * {@code navigator.credentials.create} with the answer's {@code public_key}, from {@code origin}.
   */
  public ObjectNode create(JsonNode options, String origin) {
    String rpId = options.path("rp").path("id").asText();
    userHandle = B64_DECODE.decode(options.path("user").path("id").asText());
    byte[] clientData = clientData("webauthn.create", options.path("challenge").asText(), origin);
    ByteArrayOutputStream auth = new ByteArrayOutputStream();
    auth.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
    auth.write(UP | UV | AT | (synced ? BE : 0));
    auth.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
    auth.writeBytes(new byte[16]); // AAGUID: none given
    auth.writeBytes(ByteBuffer.allocate(2).putShort((short) credentialId.length).array());
    auth.writeBytes(credentialId);
    auth.writeBytes(coseKey());
    ByteArrayOutputStream att = new ByteArrayOutputStream();
    att.write(0xa3);
    text(att, "fmt");
    text(att, "none");
    text(att, "attStmt");
    att.write(0xa0);
    text(att, "authData");
    bytes(att, auth.toByteArray());
    ObjectNode response = TestServer.JSON.createObjectNode();
    response.put("clientDataJSON", B64.encodeToString(clientData));
    response.put("attestationObject", B64.encodeToString(att.toByteArray()));
    response.putArray("transports").add("internal");
    return credential(response);
  }

  /**
   * {@code navigator.credentials.get} with the answer's {@code public_key}, from {@code origin}.
   */
  public ObjectNode get(JsonNode options, String origin) {
    return get(options.path("rpId").asText(), options.path("challenge").asText(), origin);
  }

  /** An answer to any challenge, for a relying party id. */
  public ObjectNode get(String rpId, String challenge, String origin) {
    counter++;
    byte[] clientData = clientData("webauthn.get", challenge, origin);
    ByteArrayOutputStream auth = new ByteArrayOutputStream();
    auth.writeBytes(sha256(rpId.getBytes(StandardCharsets.UTF_8)));
    auth.write(UP | UV | (synced ? BE : 0));
    auth.writeBytes(ByteBuffer.allocate(4).putInt((int) counter).array());
    byte[] authData = auth.toByteArray();
    byte[] signature;
    try {
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key.getPrivate());
      s.update(authData);
      s.update(sha256(clientData));
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    ObjectNode response = TestServer.JSON.createObjectNode();
    response.put("clientDataJSON", B64.encodeToString(clientData));
    response.put("authenticatorData", B64.encodeToString(authData));
    response.put("signature", B64.encodeToString(signature));
    if (userHandle != null) {
      response.put("userHandle", B64.encodeToString(userHandle));
    }
    return credential(response);
  }

  private ObjectNode credential(ObjectNode response) {
    ObjectNode c = TestServer.JSON.createObjectNode();
    c.put("id", credentialId());
    c.put("rawId", credentialId());
    c.put("type", "public-key");
    c.set("response", response);
    c.putObject("clientExtensionResults");
    c.put("authenticatorAttachment", "platform");
    return c;
  }

  private static byte[] clientData(String type, String challenge, String origin) {
    ObjectNode c = TestServer.JSON.createObjectNode();
    c.put("type", type);
    c.put("challenge", challenge);
    c.put("origin", origin);
    c.put("crossOrigin", false);
    return c.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The public key as a COSE_Key: {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}. */
  private byte[] coseKey() {
    ECPublicKey pub = (ECPublicKey) key.getPublic();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21});
    bytes(out, fixed32(pub.getW().getAffineX()));
    out.write(0x22);
    bytes(out, fixed32(pub.getW().getAffineY()));
    return out.toByteArray();
  }

  private static byte[] fixed32(BigInteger n) {
    byte[] raw = n.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, 32 - len, len);
    return out;
  }

  private static void text(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write(0x60 + b.length); // every key here is shorter than 24 bytes
    out.writeBytes(b);
  }

  private static void bytes(ByteArrayOutputStream out, byte[] b) {
    if (b.length < 24) {
      out.write(0x40 + b.length);
    } else if (b.length < 256) {
      out.write(0x58);
      out.write(b.length);
    } else {
      out.write(0x59);
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) b.length).array());
    }
    out.writeBytes(b);
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
