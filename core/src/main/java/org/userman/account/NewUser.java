package org.userman.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.userman.password.Password;

/**
 * A user to create. {@code email} and {@code password} are required; the rest may be null. {@code
 * status}, {@code roles} and {@code emailVerified} are for admins only.
 */
public record NewUser(
    String email,
    Password password,
    String name,
    String username,
    ObjectNode attributes,
    UserStatus status,
    List<String> roles,
    Boolean emailVerified) {

  public static NewUser of(String email, Password password) {
    return new NewUser(email, password, null, null, null, null, null, null);
  }

  public boolean setsAdminFields() {
    return status != null || roles != null || emailVerified != null;
  }
}
