package org.userman.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.userman.store.Dialect;

class MigrationIndexTest {
  @Test
  void each_index_lists_every_migration_of_its_folder_in_version_order() throws Exception {
    for (Dialect dialect : Dialect.values()) {
      String name = dialect.name().toLowerCase(Locale.ROOT);
      Path folder =
          Path.of(getClass().getClassLoader().getResource("db/migration/" + name).toURI());
      List<String> files;
      try (Stream<Path> list = Files.list(folder)) {
        files =
            list.map(p -> p.getFileName().toString())
                .sorted(
                    Comparator.comparingInt(f -> Integer.parseInt(f.substring(1, f.indexOf("__")))))
                .toList();
      }
      List<ShippedMigrations.Migration> shipped = ShippedMigrations.of(dialect).migrations();
      assertThat(files).isNotEmpty();
      assertThat(shipped).extracting(ShippedMigrations.Migration::script).as(name).isEqualTo(files);
      assertThat(shipped)
          .extracting(ShippedMigrations.Migration::version)
          .as(name)
          .isEqualTo(files.stream().map(f -> f.substring(1, f.indexOf("__"))).toList());
    }
  }

  @Test
  void checksums_are_flyways_crc32_of_the_lines() throws Exception {
    // V1 on SQLite as Flyway 11 wrote it into a schema history
    assertThat(ShippedMigrations.checksum("db/migration/sqlite/V1__accounts.sql"))
        .isEqualTo(528685767);
  }
}
