package org.userman.server.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.userman.limit.LimitRule;
import org.userman.metrics.Instrumentation;
import org.userman.metrics.PoolObserver;
import org.userman.metrics.PoolState;

/** The library's instrumentation, passed on to metrics, with its steps as spans. */
final class TracedInstrumentation implements Instrumentation {
  private final Instrumentation delegate;
  private final Tracer tracer;

  TracedInstrumentation(Instrumentation delegate, Tracer tracer) {
    this.delegate = delegate;
    this.tracer = tracer;
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // the scope is closed by the returned step's close
  public Step step(String name) {
    if (!Span.current().getSpanContext().isValid()) {
      return Step.NONE;
    }
    Span span = tracer.spanBuilder(name).startSpan();
    Scope scope = span.makeCurrent();
    return () -> {
      scope.close();
      span.end();
    };
  }

  @Override
  public void signIn(SignInOutcome outcome) {
    delegate.signIn(outcome);
  }

  @Override
  public void passwordHashed(long nanos) {
    delegate.passwordHashed(nanos);
  }

  @Override
  public void rateLimited(LimitRule rule) {
    delegate.rateLimited(rule);
  }

  @Override
  public void cacheLookup(String cache, boolean hit) {
    delegate.cacheLookup(cache, hit);
  }

  @Override
  public void deliveryFailed(Queue queue, boolean gaveUp) {
    delegate.deliveryFailed(queue, gaveUp);
  }

  @Override
  public PoolObserver connectionPool(String name, PoolState state) {
    return delegate.connectionPool(name, state);
  }
}
