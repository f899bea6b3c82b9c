package org.userman.webhook.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which URLs webhooks may call. An endpoint is an absolute http or https URL with a host and no
 * user information. Unless private targets are allowed, its host must resolve only to public
 * addresses: never loopback, private (RFC 1918, unique-local), carrier-grade NAT, link-local (the
 * cloud metadata services live there, 169.254.169.254 and fd00:ec2::254), multicast or unspecified
 * addresses, so that an admin's URL cannot reach into the network Userman runs in. The check runs
 * when an endpoint is saved (literal addresses and {@code localhost}) and again before every
 * delivery (what the name resolves to then).
 */
final class Targets {
  static final int MAX_URL = 2048;

  private Targets() {}

  /** Why {@code url} is no endpoint, or empty; needs no DNS. */
  static Optional<String> checkUrl(String url, boolean allowPrivate) {
    if (url.length() > MAX_URL) {
      return Optional.of("at most " + MAX_URL + " characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Optional.of("must be an http:// or https:// URL");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      return Optional.of("must name a host, without user information or fragment");
    }
    if (allowPrivate) {
      return Optional.empty();
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return Optional.of("must not be a loopback, private or link-local address");
    }
    if (isLiteral(host)) {
      try {
        if (!isPublic(InetAddress.getByName(strip(host)))) {
          return Optional.of("must not be a loopback, private or link-local address");
        }
      } catch (UnknownHostException e) {
        return Optional.of("not a valid address");
      }
    }
    return Optional.empty();
  }

  /** Resolves the URL's host; throws when any address it names is not public. */
  static void checkResolved(URI uri) throws RefusedTarget {
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(strip(uri.getHost()));
    } catch (UnknownHostException e) {
      throw new RefusedTarget("unknown host " + uri.getHost());
    }
    for (InetAddress a : all) {
      if (!isPublic(a)) {
        throw new RefusedTarget(
            "refused: "
                + uri.getHost()
                + " resolves to a non-public address "
                + a.getHostAddress());
      }
    }
  }

  static final class RefusedTarget extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedTarget(String message) {
      super(message);
    }
  }

  static boolean isPublic(InetAddress a) {
    if (a.isAnyLocalAddress()
        || a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first != 0 // "this network"
          && !(first == 100 && second >= 64 && second < 128) // carrier-grade NAT
          && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
          && !(first == 198 && (second == 18 || second == 19)) // benchmarking
          && first < 240; // reserved and broadcast
    }
    if (a instanceof Inet6Address) {
      int first = b[0] & 0xff;
      if ((first & 0xfe) == 0xfc) { // unique local fc00::/7 (fd00:ec2::254 is in it)
        return false;
      }
      byte[] v4 = embeddedV4(b);
      if (v4 != null) {
        try {
          return isPublic(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The IPv4 address an IPv6 address carries and a network would deliver to, or null: mapped
   * (::ffff:a.b.c.d) and compatible (::a.b.c.d) forms, NAT64 (64:ff9b::/96, 64:ff9b:1::/48) and
   * 6to4 (2002:a.b.c.d::/48), so that none of them reaches a private address in disguise.
   */
  private static byte[] embeddedV4(byte[] b) {
    if (isMappedV4(b) || isZero(b, 0, 12)) {
      return java.util.Arrays.copyOfRange(b, 12, 16);
    }
    int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
    int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    if (w0 == 0x0064 && w1 == 0xff9b && isZero(b, 4, 12)) {
      return java.util.Arrays.copyOfRange(b, 12, 16);
    }
    if (w0 == 0x0064 && w1 == 0xff9b && (b[4] == 0 && b[5] == 1)) {
      return java.util.Arrays.copyOfRange(b, 12, 16);
    }
    if (w0 == 0x2002) {
      return java.util.Arrays.copyOfRange(b, 2, 6);
    }
    return null;
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isMappedV4(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }

  private static boolean isLiteral(String host) {
    return host.startsWith("[") || host.matches("[0-9.]+") || host.contains(":");
  }

  private static String strip(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
