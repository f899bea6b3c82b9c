package org.userman.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * Userman as the build packaged it: the server's jar and the libraries its manifest names. Commands
 * run in a process of their own, as an operator runs them; nodes run in this JVM, in a class loader
 * that sees the jar and its libraries and nothing of the test's class path (Spring's), so that each
 * side keeps the versions it was built with, and the test can set a node's clock.
 */
final class UsermanJar implements AutoCloseable {
  private final Path jar;
  private final URLClassLoader loader;

  private UsermanJar(Path jar, URLClassLoader loader) {
    this.jar = jar;
    this.loader = loader;
  }

  /** The jar the build made (failsafe says where: {@code userman.server.jar}). */
  static UsermanJar packaged() {
    Path jar = Path.of(System.getProperty("userman.server.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: package the server first (mvn verify -pl interop -am)");
    }
    List<URL> urls = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      urls.add(jar.toUri().toURL());
      String classPath =
          file.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      for (String entry : classPath.trim().split("\\s+", -1)) {
        urls.add(jar.getParent().resolve(entry).toUri().toURL());
      }
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new UsermanJar(
        jar,
        new URLClassLoader(
            "userman", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader()));
  }

  /**
   * Runs {@code userman ARGS} (java -jar) in {@code dir} with exactly {@code env}'s USERMAN_
   * settings and {@code stdin}; it must succeed. Returns what it printed.
   */
  String run(Path dir, Map<String, String> env, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("USERMAN_"));
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      try (var in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      String out;
      try (InputStream from = p.getInputStream()) {
        out = new String(from.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (p.waitFor() != 0) {
        throw new IllegalStateException("userman " + String.join(" ", args) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a node with these settings (as the environment gives them) on {@code clock}, through the
   * same entry points the server's own tests use: {@code ConfigLoader.load} and {@code
   * UsermanServer.start}. The node's threads take its class loader as their context loader, where
   * Helidon looks for its services.
   */
  UsermanNode serve(Map<String, String> env, Clock clock) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      Class<?> configLoader = loader.loadClass("org.userman.server.config.ConfigLoader");
      Class<?> config = loader.loadClass("org.userman.server.config.ServerConfig");
      Class<?> server = loader.loadClass("org.userman.server.node.UsermanServer");
      Object settings =
          configLoader.getMethod("load", Path.class, Map.class).invoke(null, null, env);
      List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
      Consumer<String> sink = log::add;
      Object node =
          server
              .getMethod("start", config, Clock.class, SecureRandom.class, Consumer.class)
              .invoke(null, settings, clock, new SecureRandom(), sink);
      int port = (int) server.getMethod("port").invoke(node);
      return new UsermanNode((AutoCloseable) node, port, log);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("the node did not start", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the server's jar lacks an entry point this test uses", e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Override
  public void close() throws IOException {
    loader.close();
  }
}
