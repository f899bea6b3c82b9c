package org.userman.server.http;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayInputStream;
import java.util.Locale;
import org.userman.account.ImportFormat;
import org.userman.account.ImportOptions;
import org.userman.account.ImportProgress;
import org.userman.account.ImportSummary;
import org.userman.account.UserTransfers;
import org.userman.common.ErrorCode;
import org.userman.common.FieldError;
import org.userman.common.UsermanException;
import org.userman.common.ValidationException;

/**
 * The admin's import of users, as {@code users import} does it, for automation. A request carries
 * at most {@link #MAX_IMPORT_BYTES}, the most any request may: larger files go in several requests
 * (a second request skips what the first imported), or through the command line.
 */
public final class TransferRoutes {
  static final int MAX_IMPORT_BYTES = 1024 * 1024;

  private final Api api;
  private final UserTransfers transfers;
  private final Views views;

  public TransferRoutes(Api api, UserTransfers transfers, Views views) {
    this.api = api;
    this.transfers = transfers;
    this.views = views;
  }

  public void declare(ApiRoutes r) {
    r.post("/api/v1/users/import", "importUsers", this::importUsers);
  }

  private void importUsers(ServerRequest req, ServerResponse res) {
    Call c = api.call(req);
    c.admin();
    ImportFormat format =
        c.query("format")
            .map(
                f ->
                    ImportFormat.fromCode(f)
                        .orElseThrow(
                            () ->
                                new ValidationException(
                                    FieldError.invalidFormat(
                                        "format", "one of jsonl, csv, keycloak"))))
            .orElse(ImportFormat.JSONL);
    ImportOptions options = new ImportOptions(flag(c, "dry_run"), flag(c, "allow_plaintext"));
    byte[] body = Call.body(req, mediaType(format), MAX_IMPORT_BYTES, "import");
    if (body.length == 0) {
      throw new UsermanException(ErrorCode.MALFORMED_REQUEST, "The body holds no users.");
    }
    ImportSummary summary =
        transfers.importUsers(
            new ByteArrayInputStream(body), format, options, ImportProgress.NONE, c.actor());
    api.ok(res, views.importSummary(summary));
  }

  /** The media type each format is sent as. */
  static String mediaType(ImportFormat format) {
    return switch (format) {
      case JSONL -> "application/x-ndjson";
      case CSV -> "text/csv";
      case KEYCLOAK -> "application/json";
    };
  }

  /** A query flag: {@code true} or {@code false} (any case), false when absent. */
  static boolean flag(Call c, String name) {
    return c.query(name)
        .map(
            v ->
                switch (v.toLowerCase(Locale.ROOT)) {
                  case "true" -> true;
                  case "false" -> false;
                  default ->
                      throw new ValidationException(
                          FieldError.invalidFormat(name, "true or false"));
                })
        .orElse(false);
  }
}
