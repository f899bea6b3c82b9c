package org.userman.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LogWriterTest {
  /** Collects what is written and counts the writes. */
  private static class Sink extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final AtomicInteger writes = new AtomicInteger();

    @Override
    public synchronized void write(int b) {
      writes.incrementAndGet();
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.incrementAndGet();
      bytes.write(b, off, len);
    }

    synchronized List<String> lines() {
      return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  @Test
  void every_line_of_every_thread_is_written_in_its_order_by_close() throws Exception {
    Sink sink = new Sink();
    LogWriter log = new LogWriter(sink);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < 5_000; i++) {
                      log.accept("thread " + thread + " line " + i + " é");
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    log.close();
    List<String> lines = sink.lines();
    assertThat(lines).hasSize(20_000);
    for (int t = 0; t < 4; t++) {
      String prefix = "thread " + t + " ";
      List<String> own = lines.stream().filter(l -> l.startsWith(prefix)).toList();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 5_000; i++) {
        expected.add(prefix + "line " + i + " é");
      }
      assertThat(own).isEqualTo(expected);
    }
  }

  @Test
  void lines_queued_together_share_a_write() {
    Sink sink = new Sink();
    LogWriter log = new LogWriter(sink);
    for (int i = 0; i < 10_000; i++) {
      log.accept("GET /health/live 200 " + i);
    }
    log.close();
    assertThat(sink.lines()).hasSize(10_000);
    // A write a line would be 10,000; a write takes what gathered meanwhile, up to 64 KiB.
    assertThat(sink.writes.get()).isLessThan(1_000);
  }

  @Test
  void a_line_is_written_without_waiting_for_more_or_for_close() throws Exception {
    Sink sink = new Sink();
    try (LogWriter log = new LogWriter(sink)) {
      log.accept("userman: listening");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (sink.lines().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(sink.lines()).containsExactly("userman: listening");
    }
  }

  @Test
  void a_stream_that_does_not_keep_up_holds_requests_back_and_loses_no_line() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Sink sink =
        new Sink() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            super.write(b, off, len);
          }
        };
    LogWriter log = new LogWriter(sink);
    int total = 40_000;
    AtomicInteger queued = new AtomicInteger();
    Thread producer =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < total; i++) {
                    log.accept("line " + i);
                    queued.incrementAndGet();
                  }
                });
    // The queue holds 16,384 lines and the writer holds one batch: the producer must come to wait.
    while (producer.getState() != Thread.State.WAITING
        && producer.getState() != Thread.State.TERMINATED) {
      Thread.onSpinWait();
    }
    assertThat(queued.get()).isLessThan(total);
    release.countDown();
    producer.join();
    log.close();
    List<String> lines = sink.lines();
    assertThat(lines).hasSize(total);
    assertThat(lines.get(0)).isEqualTo("line 0");
    assertThat(lines.get(total - 1)).isEqualTo("line " + (total - 1));
  }
}
