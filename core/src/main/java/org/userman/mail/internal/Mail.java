package org.userman.mail.internal;

/** One message to one recipient: a plain-text part and, optionally, an HTML part. */
public record Mail(String to, String subject, String text, String html) {
  @Override
  public String toString() {
    // The bodies carry tokens: never print them.
    return "Mail[to=" + to + ", subject=" + subject + "]";
  }
}
