package org.userman.mfa;

/**
 * What the browser needs to sign in with a passkey ({@code navigator.credentials.get}): a
 * single-use challenge, valid for {@code timeoutMillis}, and the relying party id. No credentials
 * are listed: passkeys are discoverable, and the one the person picks says whose it is.
 */
public record PasskeyRequest(String challenge, String rpId, long timeoutMillis) {}
