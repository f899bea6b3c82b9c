package org.userman.organization;

import org.userman.common.Actor;

/**
 * Who asks, for the organizations' access rules: the acting user, and whether they are an instance
 * admin (who sees and manages every organization). Everyone else sees only the organizations they
 * belong to, and anything of another answers {@code not_found}, as if it did not exist.
 */
public record Viewer(Actor actor, boolean instanceAdmin) {
  public String userId() {
    return actor.userId();
  }
}
