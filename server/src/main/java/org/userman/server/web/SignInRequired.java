package org.userman.server.web;

/** Thrown by a page that needs a signed-in person; the visitor is sent to the sign-in page. */
final class SignInRequired extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SignInRequired() {
    super("sign in first", null, false, false);
  }
}
