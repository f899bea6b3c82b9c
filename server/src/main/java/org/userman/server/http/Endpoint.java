package org.userman.server.http;

/** One route's handler: parse the call, invoke one core operation, describe the answer. */
@FunctionalInterface
public interface Endpoint {
  Reply handle(Call call);
}
