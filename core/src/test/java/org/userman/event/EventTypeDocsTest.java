package org.userman.event;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/webhooks.md lists exactly the event types of the code, in its order. */
class EventTypeDocsTest {
  private static final Pattern ROW = Pattern.compile("^\\| `([a-z_.]+)` \\|", Pattern.MULTILINE);

  @Test
  void the_docs_list_every_event_type_and_no_other() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    Path root = Files.isDirectory(dir.resolve("docs")) ? dir : dir.getParent();
    String doc = Files.readString(root.resolve("docs/webhooks.md"), UTF_8);
    String table = doc.substring(doc.indexOf("## Event types"), doc.indexOf("## The payload"));
    List<String> listed = new ArrayList<>();
    Matcher m = ROW.matcher(table);
    while (m.find()) {
      listed.add(m.group(1));
    }
    assertThat(listed)
        .containsExactlyElementsOf(Arrays.stream(EventType.values()).map(EventType::code).toList());
  }
}
