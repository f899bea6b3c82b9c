package org.userman.session.internal;

import java.util.List;
import java.util.Optional;
import org.userman.common.Actor;

/**
 * What signing in with a passkey alone asks of passkeys: whose the answer is, and how it proved who
 * they are. The passkeys implement it, so that sessions know nothing of WebAuthn.
 */
public interface PasskeyCheck {
  /** A passkey's answer that verified: its user and the authentication methods it stands for. */
  record Verified(String userId, List<String> amr) {
    public Verified {
      amr = List.copyOf(amr);
    }
  }

  /**
   * Checks a discoverable passkey's answer to a sign-in challenge and spends the challenge; empty
   * when it is refused (audited).
   */
  Optional<Verified> verify(String credentialJson, Actor actor);
}
