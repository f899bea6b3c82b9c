package org.userman.serviceaccount;

import java.util.List;

/**
 * A change to a service account: each null field stays as it is; {@code roles} is the whole set.
 */
public record ServiceAccountPatch(
    String name, String description, String status, List<String> roles) {
  public ServiceAccountPatch {
    roles = roles == null ? null : List.copyOf(roles);
  }
}
