package org.userman.webhook.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.userman.webhook.WebhookSettings;

/**
 * Posts one delivery, safely: a short connect timeout, one deadline for the whole exchange, no
 * redirect followed (a 3xx counts as a failure), and no more of the answer read than a short
 * excerpt for the delivery log.
 */
final class Outbound implements AutoCloseable {
  static final int EXCERPT = 256;
  private final WebhookSettings settings;
  // Built at the first delivery: a client loads and initialises the TLS stack and starts a
  // selector thread, which a start of a server that may never send a webhook should not pay for.
  private HttpClient client;
  private boolean closed;

  /** What came of an attempt: an HTTP status (0 for none) and an excerpt or an error. */
  record Result(int status, String excerpt, String error) {
    boolean delivered() {
      return status >= 200 && status < 300;
    }
  }

  Outbound(WebhookSettings settings) {
    this.settings = settings;
  }

  private synchronized HttpClient client() {
    if (closed) {
      throw new IllegalStateException("webhook deliveries are closed");
    }
    if (client == null) {
      client =
          HttpClient.newBuilder()
              // receivers speak HTTP/1.1; asking each new connection to upgrade to h2c gains
              // nothing
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(settings.connectTimeout())
              .build();
    }
    return client;
  }

  Result post(URI uri, List<String> headers, String body) {
    if (!settings.allowPrivateTargets()) {
      try {
        Targets.checkResolved(uri);
      } catch (Targets.RefusedTarget e) {
        return new Result(0, null, e.getMessage());
      }
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(settings.timeout())
            .headers(headers.toArray(String[]::new))
            .header("Content-Type", "application/json")
            .header("User-Agent", "Userman-Webhooks")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<String> response =
          client()
              .sendAsync(request, info -> new Excerpt())
              .get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
      return new Result(response.statusCode(), response.body(), null);
    } catch (TimeoutException e) {
      return new Result(0, null, "timed out after " + settings.timeout().toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why =
          cause instanceof HttpConnectTimeoutException
              ? "connect timed out"
              : cause instanceof HttpTimeoutException
                  ? "timed out"
                  : cause instanceof IOException io && io.getMessage() != null
                      ? io.getClass().getSimpleName() + ": " + io.getMessage()
                      : String.valueOf(cause);
      return new Result(0, null, why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(0, null, "interrupted");
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      client.close();
    }
  }

  /** Keeps the first {@link #EXCERPT} bytes of the answer and cancels the rest. */
  private static final class Excerpt implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private final ByteBuffer kept = ByteBuffer.allocate(EXCERPT);
    private Flow.Subscription subscription;

    @Override
    public CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        while (b.hasRemaining() && kept.hasRemaining()) {
          kept.put(b.get());
        }
      }
      if (!kept.hasRemaining()) {
        subscription.cancel();
        finish();
      }
    }

    @Override
    public void onError(Throwable t) {
      finish();
    }

    @Override
    public void onComplete() {
      finish();
    }

    private void finish() {
      if (!result.isDone()) {
        result.complete(
            new String(kept.array(), 0, kept.position(), StandardCharsets.UTF_8)
                .replaceAll("\\p{Cntrl}", " ")
                .strip());
      }
    }
  }
}
