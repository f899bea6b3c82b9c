package org.userman.mfa;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.userman.common.InvalidSettingException;

/**
 * Where passkeys belong: WebAuthn's relying party. A passkey is bound to the relying party id (a
 * domain) and is only offered to pages of the listed origins, so both follow the public URL unless
 * set.
 *
 * @param rpId the relying party id ({@code passkeys.rp_id}): the public URL's host, or a domain it
 *     ends with; null for the public URL's host
 * @param origins the origins whose pages may use the passkeys ({@code passkeys.origins}), each
 *     {@code https://host[:port]} on the relying party id or a subdomain of it (browsers offer
 *     passkeys to {@code http://} pages of localhost only); empty for the public URL's origin
 */
public record PasskeySettings(String rpId, List<String> origins) {
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  /** The relying party of the public URL: its host, and its origin. */
  public static final PasskeySettings FROM_PUBLIC_URL = new PasskeySettings(null, List.of());

  public PasskeySettings {
    origins = origins == null ? List.of() : List.copyOf(origins);
    if (rpId != null && !DOMAIN.matcher(rpId).matches()) {
      throw new InvalidSettingException(
          "passkeys.rp_id", "must be a domain name in lower case, such as example.org");
    }
    for (String origin : origins) {
      checkOrigin(origin);
    }
  }

  /**
   * The settings with nothing left to the public URL; {@link InvalidSettingException} when an
   * origin is not on the relying party id.
   */
  public PasskeySettings resolve(String publicUrl) {
    String rp = rpId != null ? rpId : host(publicUrl);
    List<String> allowed = origins.isEmpty() ? List.of(origin(publicUrl)) : origins;
    for (String origin : allowed) {
      String host = host(origin);
      if (!host.equals(rp) && !host.endsWith("." + rp)) {
        throw new InvalidSettingException(
            origins.isEmpty() ? "passkeys.rp_id" : "passkeys.origins",
            origin + " is not on the relying party id " + rp + " or a subdomain of it");
      }
    }
    return new PasskeySettings(rp, allowed);
  }

  private static void checkOrigin(String origin) {
    URI u;
    try {
      u = new URI(origin);
    } catch (URISyntaxException e) {
      throw badOrigin(origin);
    }
    // http:// is taken too (a public URL may be one), though browsers offer passkeys only to https
    // pages and to localhost
    if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
        || u.getHost() == null
        || u.getRawUserInfo() != null
        || (u.getRawPath() != null && !u.getRawPath().isEmpty())
        || u.getRawQuery() != null
        || u.getRawFragment() != null) {
      throw badOrigin(origin);
    }
  }

  private static InvalidSettingException badOrigin(String origin) {
    return new InvalidSettingException(
        "passkeys.origins",
        origin + " is not an origin: give https://host or https://host:port, with no path");
  }

  private static String host(String url) {
    return URI.create(url).getHost().toLowerCase(Locale.ROOT);
  }

  private static String origin(String url) {
    URI u = URI.create(url);
    return u.getScheme().toLowerCase(Locale.ROOT)
        + "://"
        + u.getHost().toLowerCase(Locale.ROOT)
        + (u.getPort() < 0 ? "" : ":" + u.getPort());
  }
}
