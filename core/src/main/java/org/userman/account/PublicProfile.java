package org.userman.account;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What any signed-in user sees of another: the id, username and name, and the attributes the
 * operator made public ({@link AccountSettings#publicAttributes}). The full record stays for the
 * user and admins.
 */
public record PublicProfile(String id, String username, String name, ObjectNode attributes) {
  public PublicProfile {
    attributes = attributes.deepCopy();
  }

  @Override
  public ObjectNode attributes() {
    return attributes.deepCopy();
  }
}
