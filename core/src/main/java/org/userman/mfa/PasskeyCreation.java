package org.userman.mfa;

import java.util.List;

/**
 * What the browser needs to make a passkey ({@code navigator.credentials.create}): WebAuthn's
 * creation options. Binary values are base64url, as in WebAuthn's JSON forms.
 *
 * @param challenge single-use, valid for {@code timeoutMillis}
 * @param userHandle the account's opaque handle, which a discoverable passkey hands back
 * @param excludeCredentials the ids of the user's passkeys, so that an authenticator holding one
 *     says so instead of making a second
 * @param algorithms the signature algorithms taken, as COSE identifiers, the preferred first
 */
public record PasskeyCreation(
    String challenge,
    String rpId,
    String rpName,
    String userHandle,
    String userName,
    String userDisplayName,
    List<String> excludeCredentials,
    List<Long> algorithms,
    long timeoutMillis) {
  public PasskeyCreation {
    excludeCredentials = List.copyOf(excludeCredentials);
    algorithms = List.copyOf(algorithms);
  }
}
