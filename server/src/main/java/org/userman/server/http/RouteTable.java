package org.userman.server.http;

import java.util.ArrayList;
import java.util.List;

/** Collects a feature's routes; each feature's routes class declares its own, once. */
public final class RouteTable {
  private final List<Route> routes = new ArrayList<>();

  public RouteTable get(String path, Endpoint e) {
    return add("GET", path, e);
  }

  public RouteTable post(String path, Endpoint e) {
    return add("POST", path, e);
  }

  public RouteTable put(String path, Endpoint e) {
    return add("PUT", path, e);
  }

  public RouteTable patch(String path, Endpoint e) {
    return add("PATCH", path, e);
  }

  public RouteTable delete(String path, Endpoint e) {
    return add("DELETE", path, e);
  }

  private RouteTable add(String method, String path, Endpoint e) {
    routes.add(new Route(method, path, e));
    return this;
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }
}
