package org.userman.server.web;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code drawn as inline SVG on the server (Nayuki's encoder): the enrolment page shows the
 * authenticator app its secret with no script, no image request and no third-party service.
 */
final class QrSvg {
  /** The quiet zone the QR specification asks for, in modules. */
  private static final int BORDER = 4;

  private QrSvg() {}

  /** The SVG of {@code text} at medium error correction, {@code pixels} wide and high. */
  static String of(String text, int pixels) {
    QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
    int size = qr.size + BORDER * 2;
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < qr.size; y++) {
      for (int x = 0; x < qr.size; x++) {
        if (qr.getModule(x, y)) {
          path.append('M').append(x + BORDER).append(',').append(y + BORDER).append("h1v1h-1z");
        }
      }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"qr-title\""
        + " width=\""
        + pixels
        + "\" height=\""
        + pixels
        + "\" viewBox=\"0 0 "
        + size
        + " "
        + size
        + "\" shape-rendering=\"crispEdges\"><title id=\"qr-title\">QR code of the secret for"
        + " your authenticator app</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        + "<path fill=\"#000\" d=\""
        + path
        + "\"/></svg>";
  }
}
