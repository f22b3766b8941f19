package dev.unsubsync.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @TempDir
    Path dir;

    @Test
    void eachKeyIsKnownByItsNameAndTheConfiguredTokenAsApi() throws Exception {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "sendgrid-relay=0123456789abcdef-sendgrid\nmarketing-app=0123456789abcdef-marketing\n");
        ApiKeys keys = new ApiKeys("configured-token", file);
        assertEquals(Optional.of("sendgrid-relay"), keys.nameFor("0123456789abcdef-sendgrid"));
        assertEquals(Optional.of("marketing-app"), keys.nameFor("0123456789abcdef-marketing"));
        assertEquals(Optional.of("api"), keys.nameFor("configured-token"));
        assertEquals(Optional.empty(), keys.nameFor("0123456789abcdef-unknown"));
    }

    @Test
    void keysRotateWithoutARestartWhenTheFileChanges() throws Exception {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "crm=old-key-0123456789abcdef\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-28T10:00:00Z")));
        ApiKeys keys = new ApiKeys(null, file);
        assertEquals(Optional.of("crm"), keys.nameFor("old-key-0123456789abcdef"));

        Files.writeString(file, "crm=new-key-0123456789abcdef\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-28T10:05:00Z")));
        assertEquals(Optional.of("crm"), keys.nameFor("new-key-0123456789abcdef"));
        assertEquals(Optional.empty(), keys.nameFor("old-key-0123456789abcdef"), "the old key is gone");
    }

    @Test
    void shortKeysAreIgnored() throws Exception {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "weak=short\n");
        assertEquals(Optional.empty(), new ApiKeys(null, file).nameFor("short"));
    }
}
