package org.userman.server.cli;

import java.io.BufferedWriter;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.userman.account.ImportFormat;
import org.userman.account.ImportOptions;
import org.userman.account.ImportOutcome;
import org.userman.account.ImportSummary;
import org.userman.common.Actor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code users import} and {@code users export}, straight on the configured database. */
final class TransferCommands {
  private TransferCommands() {}

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Import users from a file, with their password hashes (see docs/operations.md).",
        "Each record is imported whole or not at all; a record whose email has an account is"
            + " skipped, so running the same file again resumes a run that stopped."
      })
  static final class Import implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The file to import.")
    Path file;

    @Option(
        names = "--format",
        paramLabel = "F",
        description =
            "jsonl (one JSON object a line), csv (with a header naming the columns) or keycloak"
                + " (a realm export); by default csv for a .csv file, else jsonl.")
    String format;

    @Option(names = "--dry-run", description = "Check every record and report; write nothing.")
    boolean dryRun;

    @Option(
        names = "--allow-plaintext",
        description = "Accept records with a plaintext password, hashed on import.")
    boolean allowPlaintext;

    @Override
    public void run() {
      ImportFormat f = format();
      long size;
      try {
        size = Files.size(file);
      } catch (NoSuchFileException e) {
        throw new CliException("no file " + file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ImportSummary summary;
      try (Counting in = new Counting(Files.newInputStream(file))) {
        ImportDisplay display =
            new ImportDisplay(err, UsersCommand.terminal() != null, size, in::count);
        summary =
            users.withUserman(
                um ->
                    um.transfers()
                        .importUsers(
                            in,
                            f,
                            new ImportOptions(dryRun, allowPlaintext),
                            display,
                            Actor.COMMAND_LINE));
        display.finish();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.println(
          (summary.dryRun() ? "dry run: would import " : "imported ")
              + summary.imported()
              + ", skipped "
              + summary.skipped()
              + " (an account with the email exists), failed "
              + summary.failed());
      if (summary.failed() > 0) {
        throw new CliException(
            summary.failed() + " record(s) failed; their lines and reasons are above");
      }
    }

    private ImportFormat format() {
      if (format == null) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
            ? ImportFormat.CSV
            : ImportFormat.JSONL;
      }
      return ImportFormat.fromCode(format.toLowerCase(Locale.ROOT))
          .orElseThrow(() -> new CliException("--format must be jsonl, csv or keycloak"));
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Write every user as JSON Lines, with their password hashes, for another Userman's"
            + " users import. Keep the file as secret as the database."
      })
  static final class Export implements Runnable {
    @ParentCommand UsersCommand users;
    @Spec CommandSpec spec;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Write to FILE (made readable by its owner only) instead of standard output.")
    Path output;

    @Override
    public void run() {
      if (output == null) {
        PrintWriter out = spec.commandLine().getOut();
        users.withUserman(um -> um.transfers().exportUsers(out, Actor.COMMAND_LINE));
        out.flush();
        return;
      }
      long count;
      try (Writer w =
          new BufferedWriter(new OutputStreamWriter(privateFile(output), StandardCharsets.UTF_8))) {
        count = users.withUserman(um -> um.transfers().exportUsers(w, Actor.COMMAND_LINE));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      spec.commandLine().getErr().println("exported " + count + " users to " + output);
    }
  }

  /**
   * {@code path}, emptied or made, readable and writable by its owner only where the file system
   * has POSIX permissions: an export holds every password hash.
   */
  static OutputStream privateFile(Path path) throws IOException {
    Set<PosixFilePermission> ownerOnly =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    boolean posix =
        path.toAbsolutePath().getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.exists(path)) {
      if (posix) {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(ownerOnly));
      } else {
        Files.createFile(path);
      }
    } else if (posix) {
      Files.setPosixFilePermissions(path, ownerOnly);
    }
    return Files.newOutputStream(
        path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** An input stream that counts the bytes read, for the progress display's share of the file. */
  static final class Counting extends FilterInputStream {
    private long count; // read and counted on the importing thread

    Counting(InputStream in) {
      super(in);
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  /**
   * Shows an import's progress: on a terminal, one line redrawn (records, records per second, share
   * of the file, time left); elsewhere a plain line every {@link ImportDisplay#PLAIN_EVERY}
   * records. Failed records are printed as they come, with their lines and reasons.
   */
  static final class ImportDisplay implements org.userman.account.ImportProgress {
    static final long PLAIN_EVERY = 100_000;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final long size;
    private final java.util.function.LongSupplier bytesRead;
    private final long started;
    private long records;
    private long lastDrawn;
    private boolean drawn;

    ImportDisplay(
        PrintWriter err, boolean terminal, long size, java.util.function.LongSupplier bytesRead) {
      this(err, terminal, size, bytesRead, System.nanoTime());
    }

    /** As above, started at {@code started}, on {@link System#nanoTime}'s scale. */
    ImportDisplay(
        PrintWriter err,
        boolean terminal,
        long size,
        java.util.function.LongSupplier bytesRead,
        long started) {
      this.err = err;
      this.terminal = terminal;
      this.size = size;
      this.bytesRead = bytesRead;
      this.started = started;
      this.lastDrawn = started;
    }

    @Override
    public void settled(long line, ImportOutcome outcome, String reason) {
      records++;
      if (outcome == ImportOutcome.FAILED) {
        clearBar();
        err.println("line " + line + ": " + reason);
      }
      if (terminal) {
        long now = System.nanoTime();
        if (now - lastDrawn >= REDRAW_NANOS) {
          lastDrawn = now;
          draw(now);
        }
      } else if (records % PLAIN_EVERY == 0) {
        err.println(status(System.nanoTime()));
      }
    }

    void finish() {
      if (terminal) {
        draw(System.nanoTime());
        err.println();
      }
      err.flush();
    }

    private void draw(long now) {
      err.print("\r" + status(now) + "\u001b[K");
      err.flush();
      drawn = true;
    }

    private void clearBar() {
      if (terminal && drawn) {
        err.print("\r\u001b[K");
        drawn = false;
      }
    }

    /** Records, their rate, the share of the file read, and the time left at that rate. */
    String status(long now) {
      double seconds = Math.max(1e-9, (now - started) / 1e9);
      long rate = Math.round(records / seconds);
      long read = bytesRead.getAsLong();
      double share = size == 0 ? 1 : Math.min(1, (double) read / size);
      StringBuilder s = new StringBuilder();
      if (terminal) {
        int width = 24;
        int filled = (int) Math.round(share * width);
        s.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
      }
      s.append(
          String.format(Locale.ROOT, "%,d records, %,d/s, %3.0f%%", records, rate, share * 100));
      if (read > 0 && share < 1) {
        long left = Math.round(seconds * (size - read) / read);
        s.append(String.format(Locale.ROOT, ", %d:%02d left", left / 60, left % 60));
      }
      return s.toString();
    }
  }
}
