package org.userman.server.http;

/** A method and path template (Helidon syntax, {@code {id}}) with its endpoint. */
public record Route(String method, String path, Endpoint endpoint) {}
