package org.userman.store.internal.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.userman.internal.ManualTicker;

/** When a node counts as busy, on the ticker: no database, no threads. */
class DemandTest {
  private final ManualTicker ticker = ManualTicker.frozen();
  private final Demand demand = new Demand(ticker);

  /**
   * A window of a quarter second that ends with a read in each of its last {@code slots} slots of
   * 10 ms (and a little), then judged.
   */
  private boolean readsIn(int slots) {
    demand.begin(ticker.peek());
    ticker.advance(Duration.ofMillis(250 - 10L * slots));
    for (int i = 0; i < slots; i++) {
      ticker.advance(Duration.ofMillis(10).plusNanos(1));
      demand.note(ticker.peek());
    }
    return demand.judge(ticker.peek());
  }

  @Test
  void reads_in_twelve_slots_of_a_quarter_second_make_a_node_busy() {
    assertThat(readsIn(12)).isTrue();
  }

  @Test
  void reads_in_eleven_slots_do_not() {
    assertThat(readsIn(11)).isFalse();
  }

  @Test
  void reads_within_10ms_of_the_last_noted_one_count_once() {
    demand.begin(ticker.peek());
    for (int i = 0; i < 100; i++) {
      ticker.advance(Duration.ofMillis(2));
      demand.note(ticker.peek());
    }
    ticker.advance(Duration.ofMillis(50));
    // 200 ms of reads every 2 ms: one noted every 12 ms, 17 in all
    assertThat(demand.judge(ticker.peek())).isTrue();

    demand.begin(ticker.peek());
    for (int i = 0; i < 100; i++) {
      ticker.advance(Duration.ofNanos(100_000));
      demand.note(ticker.peek());
    }
    ticker.advance(Duration.ofMillis(240));
    // a burst of reads within 10 ms is one slot
    assertThat(demand.judge(ticker.peek())).isFalse();
  }

  @Test
  void a_busy_node_is_quiet_100ms_after_its_last_read_until_reads_come_again() {
    assertThat(readsIn(25)).isTrue();
    assertThat(demand.busy(ticker.peek() + Duration.ofMillis(99).toNanos())).isTrue();
    ticker.advance(Duration.ofMillis(100));
    assertThat(demand.busy(ticker.peek())).isFalse();
    demand.note(ticker.peek());
    assertThat(demand.busy(ticker.peek())).as("the window judged busy still holds").isTrue();
  }

  @Test
  void a_window_is_judged_once_it_has_lasted_a_quarter_second() {
    assertThat(readsIn(25)).isTrue();
    // a new window began at the judgement; quiet reads in it change nothing until it ends
    ticker.advance(Duration.ofMillis(50));
    demand.note(ticker.peek());
    assertThat(demand.judge(ticker.peek())).isTrue();
    ticker.advance(Duration.ofMillis(200));
    demand.note(ticker.peek());
    assertThat(demand.judge(ticker.peek())).as("one read in the last window").isFalse();
  }
}
