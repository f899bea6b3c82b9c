package org.userman.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.userman.account.ImportOutcome;

/** The figures an import shows: records, their rate, the share of the file, the time left. */
class ImportDisplayTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void the_figures_are_the_records_over_the_time_and_the_bytes_over_the_file() {
    AtomicLong read = new AtomicLong();
    StringWriter err = new StringWriter();
    TransferCommands.ImportDisplay display =
        new TransferCommands.ImportDisplay(new PrintWriter(err, true), true, 1000, read::get, 0);
    for (int i = 1; i <= 300; i++) {
      display.settled(i, ImportOutcome.IMPORTED, null);
    }
    read.set(250);

    // 300 records in 2 s, a quarter of the file: 150 a second, 6 s left at that pace
    assertThat(display.status(2 * SECOND))
        .isEqualTo("[######                  ] 300 records, 150/s,  25%, 0:06 left");
  }

  @Test
  void without_a_terminal_a_plain_line_every_hundred_thousand_records_and_each_failure() {
    StringWriter err = new StringWriter();
    TransferCommands.ImportDisplay display =
        new TransferCommands.ImportDisplay(new PrintWriter(err, true), false, 10, () -> 5, 0);
    for (int i = 1; i <= 200_000; i++) {
      display.settled(
          i, i == 7 ? ImportOutcome.FAILED : ImportOutcome.IMPORTED, i == 7 ? "bad" : null);
    }
    display.finish();

    assertThat(err.toString().lines()).hasSize(3).first().isEqualTo("line 7: bad");
    assertThat(err.toString().lines().skip(1))
        .allSatisfy(l -> assertThat(l).matches("[0-9,]+ records, [0-9,]+/s,  50%, .*"))
        .noneSatisfy(l -> assertThat(l).contains("\r"));
  }
}
