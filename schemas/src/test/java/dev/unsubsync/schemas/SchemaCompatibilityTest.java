package dev.unsubsync.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.events.UnsubscribeRemoved;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaValidationException;
import org.apache.avro.SchemaValidatorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every schema must be FULL_TRANSITIVE compatible with every earlier version of itself shipped under
 * {@code schema-history/<Name>/v<N>.avsc}: old readers read new data and new readers read old data, across all versions.
 * The newest history file must be the schema the classes were generated from, so a change without a new version fails here.
 */
class SchemaCompatibilityTest {

    /** Every schema the classes are generated from: each {@code .avsc} in {@code src/main/avro}, so a new one cannot escape. */
    static Stream<Arguments> schemas() throws java.io.IOException {
        // Surefire runs in the module's folder.
        try (Stream<Path> files = java.nio.file.Files.list(Path.of("src/main/avro"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".avsc"))
                    .map(n -> n.substring(0, n.length() - ".avsc".length())).sorted().toList();
            assertTrue(names.size() >= 13, "the schemas are found: " + names);
            return names.stream().map(Arguments::of);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void currentSchemaIsFullyTransitivelyCompatibleWithItsHistory(String name) throws Exception {
        // Surefire runs in the module's folder: the source .avsc is what the classes were generated from.
        Schema current = new Schema.Parser().parse(Path.of("src/main/avro", name + ".avsc").toFile());
        List<Schema> history = history(name);
        assertFalse(history.isEmpty(), "no history shipped for " + name);
        assertEquals(history.getLast(), current,
                name + ".avsc differs from its newest shipped version: add it as schema-history/" + name + "/v" + (history.size() + 1) + ".avsc");
        var validator = new SchemaValidatorBuilder().mutualReadStrategy().validateAll();
        for (int i = 1; i < history.size(); i++) {
            try {
                validator.validate(history.get(i), history.subList(0, i).reversed());
            } catch (SchemaValidationException e) {
                throw new AssertionError(name + " v" + (i + 1) + " is not FULL_TRANSITIVE compatible with earlier versions: " + e.getMessage(), e);
            }
        }
    }

    @Test
    void anIncompatibleChangeIsCaught() throws Exception {
        Schema v1 = history("UnsubscribeRemoved").getFirst();
        String withRequiredField = v1.toString().replace("\"fields\":[", "\"fields\":[{\"name\":\"mandatory\",\"type\":\"string\"},");
        Schema v2 = new Schema.Parser().parse(withRequiredField);
        var validator = new SchemaValidatorBuilder().mutualReadStrategy().validateAll();
        assertThrows(SchemaValidationException.class, () -> validator.validate(v2, List.of(v1)));
    }

    private static List<Schema> history(String name) throws IOException {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1;; v++) {
            try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream("/schema-history/" + name + "/v" + v + ".avsc")) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            }
        }
    }
}
