package org.userman.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads an HTTP answer's body up to a limit: a misbehaving server cannot fill the heap. */
final class BoundedBody {
  private BoundedBody() {}

  static String read(InputStream in, int limit) throws IOException {
    try (in) {
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new IOException("the answer is longer than " + limit + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
