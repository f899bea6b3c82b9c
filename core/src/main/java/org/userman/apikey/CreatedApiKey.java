package org.userman.apikey;

/** A key just made: {@code key} is shown this once and stored only as a hash. */
public record CreatedApiKey(ApiKey apiKey, String key) {
  @Override
  public String toString() {
    return "CreatedApiKey[" + apiKey + ", key=****]";
  }
}
