package org.userman.interop;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The resource server's API: who is calling, and two resources behind a role each. */
@RestController
class Endpoints {
  /** The caller's subject: a user's id, or a service account's client id. */
  @GetMapping("/hello")
  String hello(Authentication caller) {
    return caller.getName();
  }

  @GetMapping("/admin")
  String admin() {
    return "admins only";
  }

  @GetMapping("/reports")
  String reports() {
    return "reports";
  }
}
