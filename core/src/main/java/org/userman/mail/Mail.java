package org.userman.mail;

/** One plain-text message to one recipient. */
public record Mail(String to, String subject, String body) {
  @Override
  public String toString() {
    // The body carries a token: never print it.
    return "Mail[to=" + to + ", subject=" + subject + "]";
  }
}
