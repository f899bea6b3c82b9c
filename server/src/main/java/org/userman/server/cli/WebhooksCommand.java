package org.userman.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.userman.Userman;
import org.userman.common.Actor;
import org.userman.common.Page;
import org.userman.webhook.CreatedWebhook;
import org.userman.webhook.NewWebhook;
import org.userman.webhook.Webhook;
import org.userman.webhook.WebhookDelivery;
import org.userman.webhook.WebhookPatch;
import org.userman.webhook.Webhooks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Webhook endpoints, straight in the configured database (docs/webhooks.md); a running server
 * delivers what they queue.
 */
@Command(
    name = "webhooks",
    mixinStandardHelpOptions = true,
    description = "Register, list, change and delete webhook endpoints; read their delivery logs.",
    subcommands = {
      WebhooksCommand.Create.class,
      WebhooksCommand.ListHooks.class,
      WebhooksCommand.Update.class,
      WebhooksCommand.Delete.class,
      WebhooksCommand.RotateSecret.class,
      WebhooksCommand.Deliveries.class,
      WebhooksCommand.Redeliver.class
    })
final class WebhooksCommand implements Runnable {
  @ParentCommand RootCommand root;
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CliException(
        "name a webhooks command: create, list, update, delete, rotate-secret, deliveries or redeliver");
  }

  <T> T with(Function<Webhooks, T> work) {
    try (Userman userman = Userman.open(root.loadConfig().core())) {
      return work.apply(userman.webhooks());
    }
  }

  static String line(Webhook w) {
    return String.format(
        "%s  %-8s %-40s %s%s",
        w.id(),
        w.enabled() ? "enabled" : "disabled",
        w.url(),
        w.events().isEmpty()
            ? "all events"
            : String.join(",", w.events().stream().map(t -> t.code()).toList()),
        w.disabledReason() == null ? "" : "  (" + w.disabledReason() + ")");
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Register an endpoint; prints its signing secret (whsec_...), which is shown this once.")
  static final class Create implements Runnable {
    @ParentCommand WebhooksCommand hooks;
    @Spec CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL")
    String url;

    @Option(
        names = "--event",
        paramLabel = "TYPE",
        description = "An event type it receives (repeat; none for all types).")
    List<String> events = new ArrayList<>();

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(names = "--disabled", description = "Register it disabled.")
    boolean disabled;

    @Override
    public void run() {
      CreatedWebhook c =
          hooks.with(
              w ->
                  w.create(
                      new NewWebhook(url, events, !disabled, description), Actor.COMMAND_LINE));
      PrintWriter out = spec.commandLine().getOut();
      out.println(line(c.webhook()));
      out.println("secret: " + c.secret());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the endpoints.")
  static final class ListHooks implements Runnable {
    @ParentCommand WebhooksCommand hooks;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public void run() {
      List<Webhook> all =
          hooks.with(w -> UsersCommand.allPages(after -> w.list(Page.MAX_LIMIT, after)));
      UsersCommand.print(
          spec.commandLine().getOut(),
          json,
          all,
          UsersCommand.VIEWS::webhook,
          WebhooksCommand::line);
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Change an endpoint; enabling it again clears why it was disabled.")
  static final class Update implements Runnable {
    @ParentCommand WebhooksCommand hooks;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--url", paramLabel = "URL")
    String url;

    @Option(
        names = "--event",
        paramLabel = "TYPE",
        description = "The event types it receives (repeat; replaces the list).")
    List<String> events;

    @Option(names = "--all-events", description = "Receive every event type.")
    boolean allEvents;

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(names = "--enable")
    boolean enable;

    @Option(names = "--disable")
    boolean disable;

    @Override
    public void run() {
      if (enable && disable) {
        throw new CliException("--enable and --disable exclude each other");
      }
      if (allEvents && events != null) {
        throw new CliException("--event and --all-events exclude each other");
      }
      WebhookPatch patch =
          new WebhookPatch(
              url,
              allEvents ? List.of() : events,
              enable ? Boolean.TRUE : disable ? Boolean.FALSE : null,
              description);
      Webhook w = hooks.with(h -> h.update(id, patch, Actor.COMMAND_LINE));
      spec.commandLine().getOut().println(line(w));
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete an endpoint and its delivery log.")
  static final class Delete implements Runnable {
    @ParentCommand WebhooksCommand hooks;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public void run() {
      hooks.with(
          h -> {
            h.delete(id, Actor.COMMAND_LINE);
            return null;
          });
      spec.commandLine().getOut().println("deleted " + id);
    }
  }

  @Command(
      name = "rotate-secret",
      mixinStandardHelpOptions = true,
      description =
          "Make a new signing secret, shown this once; the old one signs too until the overlap ends.")
  static final class RotateSecret implements Runnable {
    @ParentCommand WebhooksCommand hooks;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--overlap",
        paramLabel = "HOURS",
        defaultValue = "24",
        description =
            "Hours the old secret keeps signing (default ${DEFAULT-VALUE}; 0 ends it now).")
    long overlapHours;

    @Override
    public void run() {
      if (overlapHours < 0) {
        throw new CliException("--overlap cannot be negative");
      }
      CreatedWebhook c =
          hooks.with(h -> h.rotateSecret(id, Duration.ofHours(overlapHours), Actor.COMMAND_LINE));
      spec.commandLine().getOut().println("secret: " + c.secret());
    }
  }

  @Command(
      name = "deliveries",
      mixinStandardHelpOptions = true,
      description = "The endpoint's latest deliveries, newest first.")
  static final class Deliveries implements Runnable {
    @ParentCommand WebhooksCommand hooks;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--limit", defaultValue = "50", paramLabel = "N")
    int limit;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Override
    public void run() {
      if (limit < 1 || limit > Page.MAX_LIMIT) {
        throw new CliException("--limit must be between 1 and " + Page.MAX_LIMIT);
      }
      List<WebhookDelivery> items = hooks.with(h -> h.deliveries(id, limit, null).items());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ArrayNode array = UsersCommand.JSON.createArrayNode();
        items.forEach(d -> array.add(UsersCommand.VIEWS.webhookDelivery(d)));
        out.println(UsersCommand.json(array));
        return;
      }
      for (WebhookDelivery d : items) {
        out.printf(
            "%s  %-20s %-9s attempts %d  %s%s%n",
            d.eventId(),
            d.eventType().code(),
            d.status().wire(),
            d.attempts(),
            d.responseStatus() == null ? "-" : d.responseStatus().toString(),
            d.lastError() == null ? "" : "  " + d.lastError());
      }
    }
  }

  @Command(
      name = "redeliver",
      mixinStandardHelpOptions = true,
      description = "Queue one delivery again, due now.")
  static final class Redeliver implements Runnable {
    @ParentCommand WebhooksCommand hooks;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "EVENT_ID")
    String eventId;

    @Override
    public void run() {
      WebhookDelivery d = hooks.with(h -> h.redeliver(id, eventId, Actor.COMMAND_LINE));
      spec.commandLine().getOut().println("queued " + d.eventId());
    }
  }
}
