package org.userman.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The server's log lines, written to one stream by a thread of their own. A request only queues its
 * line. The writer wakes for the first line, lets others gather for {@value #GATHER_MILLIS} ms, and
 * writes them all with one system call: under load one write, and one wake-up of the writer, serve
 * hundreds of requests. (A write of its own for each line cost about a tenth of the server's time
 * per request; waking the writer for each line cost more than that.) A line therefore reaches the
 * stream at most about {@value #GATHER_MILLIS} ms after its request. When the stream does not keep
 * up, the queue fills and requests wait for room, as they waited for their own writes before: no
 * line is dropped. {@link #close} writes what is queued, then returns.
 */
public final class LogWriter implements Consumer<String>, AutoCloseable {
  private static final int CAPACITY = 16_384;
  private static final int BUFFER = 64 * 1024;
  private static final long GATHER_MILLIS = 5;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(CAPACITY);
  private final OutputStream out;
  private final Thread writer;
  private volatile boolean closed;

  /**
   * Starts the writer thread; {@code out} is written from that thread only, and flushed after each
   * batch.
   */
  public LogWriter(OutputStream out) {
    this.out = out;
    this.writer = Thread.ofPlatform().daemon().name("userman-log").start(this::run);
  }

  /** Queues one line (without its line end); waits while the queue is full. */
  @Override
  public void accept(String line) {
    try {
      lines.put(line);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<String> batch = new ArrayList<>();
    byte[] buffer = new byte[BUFFER];
    while (true) {
      try {
        batch.add(lines.take());
        Thread.sleep(GATHER_MILLIS);
      } catch (InterruptedException e) {
        // close() interrupts once it has set closed: what is queued is written below
      }
      lines.drainTo(batch);
      int used = 0;
      for (String line : batch) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (used + bytes.length + 1 > buffer.length) {
          write(buffer, used);
          used = 0;
        }
        if (bytes.length + 1 > buffer.length) {
          write(bytes, bytes.length);
          write(new byte[] {'\n'}, 1);
        } else {
          System.arraycopy(bytes, 0, buffer, used, bytes.length);
          used += bytes.length;
          buffer[used++] = '\n';
        }
      }
      write(buffer, used);
      batch.clear();
      if (closed && lines.isEmpty()) {
        return;
      }
    }
  }

  private void write(byte[] bytes, int length) {
    if (length == 0) {
      return;
    }
    try {
      out.write(bytes, 0, length);
      out.flush();
    } catch (IOException e) {
      // There is nowhere left to say so; the next batch tries again.
    }
  }

  /** Writes every line queued before this call, then returns (the stream stays open). */
  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
