package org.userman.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.userman.password.Password;

/**
 * Changes to a user; a null field is left as it is. {@code attributes} is merged key by key, a key
 * set to JSON null is removed. {@code clearUsername} removes the username.
 */
public record UserPatch(
    String email,
    Boolean emailVerified,
    String username,
    boolean clearUsername,
    String name,
    UserStatus status,
    List<String> roles,
    ObjectNode attributes,
    Password password) {

  public static UserPatch empty() {
    return new UserPatch(null, null, null, false, null, null, null, null, null);
  }

  /** Whether this patch touches only what users may change on themselves. */
  public boolean isSelfService() {
    return email == null
        && emailVerified == null
        && status == null
        && roles == null
        && password == null;
  }
}
