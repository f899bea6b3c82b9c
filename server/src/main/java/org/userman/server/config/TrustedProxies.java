package org.userman.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies (load balancers) whose {@code X-Forwarded-For} is believed. The client is the
 * rightmost address in that header that is not itself a trusted proxy. From any other peer the
 * header is ignored, since anyone can send it.
 */
public final class TrustedProxies {
  private static final class Network {
    private final byte[] address;
    private final int prefix;

    Network(byte[] address, int prefix) {
      this.address = address.clone();
      this.prefix = prefix;
    }

    boolean contains(byte[] ip) {
      if (ip.length != address.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (ip[i] != address[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      return rest == 0 || ((ip[full] ^ address[full]) & (0xff << (8 - rest)) & 0xff) == 0;
    }
  }

  private static final int MAX_HOPS = 20;
  private final List<Network> networks;

  private TrustedProxies(List<Network> networks) {
    this.networks = List.copyOf(networks);
  }

  public static TrustedProxies none() {
    return new TrustedProxies(List.of());
  }

  /**
   * Addresses or networks ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code ::1}); literals only,
   * never host names.
   */
  public static TrustedProxies parse(List<String> entries) {
    List<Network> networks = new ArrayList<>();
    for (String entry : entries) {
      String[] parts = entry.strip().split("/", 2);
      byte[] address = literal(parts[0]);
      if (address == null) {
        throw new IllegalArgumentException("not an IP address: " + parts[0]);
      }
      int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
      if (prefix < 0 || prefix > address.length * 8) {
        throw new IllegalArgumentException("not a prefix length for " + parts[0] + ": " + prefix);
      }
      networks.add(new Network(address, prefix));
    }
    return new TrustedProxies(networks);
  }

  /**
   * The client's address for a request from {@code peer} carrying {@code forwardedFor} (may be
   * null).
   */
  public String client(String peer, String forwardedFor) {
    if (forwardedFor == null || !trusted(peer)) {
      return peer;
    }
    String[] hops = forwardedFor.split(",", -1);
    for (int i = hops.length - 1; i >= Math.max(0, hops.length - MAX_HOPS); i--) {
      String hop = hops[i].strip();
      if (literal(hop) == null) {
        return peer; // a hop we cannot read: trust nothing beyond the proxy we know
      }
      if (!trusted(hop)) {
        return hop;
      }
    }
    return peer;
  }

  /** Whether a connection's peer is one of the trusted proxies. */
  public boolean trusts(InetAddress peer) {
    byte[] bytes = peer.getAddress();
    return networks.stream().anyMatch(n -> n.contains(bytes));
  }

  private boolean trusted(String ip) {
    byte[] bytes = literal(ip);
    return bytes != null && networks.stream().anyMatch(n -> n.contains(bytes));
  }

  /** The bytes of an IP literal, or null: never a name lookup. */
  private static byte[] literal(String s) {
    if (s.indexOf(':') >= 0) {
      try {
        return InetAddress.getByName(s)
            .getAddress(); // a colon makes it an IPv6 literal or an error, never a name
      } catch (UnknownHostException | SecurityException e) {
        return null;
      }
    }
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] ip = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (parts[i].isEmpty()
          || parts[i].length() > 3
          || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
        return null;
      }
      int n = Integer.parseInt(parts[i]);
      if (n > 255) {
        return null;
      }
      ip[i] = (byte) n;
    }
    return ip;
  }
}
