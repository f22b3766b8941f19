package dev.unsubsync.kit.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
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

    @Test
    void eachKeyHoldsTheScopesItsLineNamesAndAdminMayAlsoRead() throws Exception {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "relay=0123456789abcdef-relay ingest\nanalyst=0123456789abcdef-analyst read\nops=0123456789abcdef-ops admin\n"
                + "both=0123456789abcdef-both ingest, read\nold=0123456789abcdef-old\n");
        ApiKeys keys = new ApiKeys("configured-token", file);
        assertEquals(Set.of(Scope.INGEST), keys.callerFor("0123456789abcdef-relay").orElseThrow().scopes());
        assertEquals(Set.of(Scope.INGEST, Scope.READ), keys.callerFor("0123456789abcdef-both").orElseThrow().scopes());
        assertEquals(Set.of(Scope.INGEST), keys.callerFor("0123456789abcdef-old").orElseThrow().scopes(), "a line without scopes may only ingest");
        assertEquals(Scope.all(), keys.callerFor("configured-token").orElseThrow().scopes(), "the operator's token may do everything");
        ApiKeys.Authentication.Caller ops = keys.callerFor("0123456789abcdef-ops").orElseThrow();
        assertTrue(ops.may(Scope.READ) && ops.may(Scope.ADMIN) && !ops.may(Scope.INGEST));
        ApiKeys.Authentication.Caller analyst = keys.callerFor("0123456789abcdef-analyst").orElseThrow();
        assertFalse(analyst.may(Scope.ADMIN));
        assertEquals("API key 'analyst' lacks the 'admin' scope this request needs (it has: read)", analyst.lacks(Scope.ADMIN));
    }

    @Test
    void aKeyNamingAnUnknownScopeIsRefused() throws Exception {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "typo=0123456789abcdef-typo admn\n");
        assertEquals(Optional.empty(), new ApiKeys(null, file).nameFor("0123456789abcdef-typo"));
    }

    @Test
    void removingTheFileRevokesItsKeys() throws Exception {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "crm=0123456789abcdef-crm ingest\n");
        ApiKeys keys = new ApiKeys("configured-token", file);
        assertEquals(Optional.of("crm"), keys.nameFor("0123456789abcdef-crm"));
        Files.delete(file);
        assertEquals(Optional.empty(), keys.nameFor("0123456789abcdef-crm"), "not kept from before");
        assertEquals(Optional.of("api"), keys.nameFor("configured-token"));
        Files.writeString(file, "crm=0123456789abcdef-crm ingest\n");
        assertEquals(Optional.of("crm"), keys.nameFor("0123456789abcdef-crm"), "back with the file");
    }

    @Test
    void outsideLocalAndTestKeysShorterThan32CharactersStopTheStart() throws Exception {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "crm=0123456789abcdef-crm ingest\n");
        IllegalArgumentException weak = assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.configured("a-configured-token-of-32-chars!!", file.toString(), Set.of("prod")));
        assertTrue(weak.getMessage().contains("'crm'") && !weak.getMessage().contains("0123456789abcdef-crm"), weak.getMessage());
        IllegalArgumentException token = assertThrows(IllegalArgumentException.class, () -> ApiKeys.configured("short-token", null, Set.of()));
        assertTrue(token.getMessage().contains("configured API token"), token.getMessage());

        ApiKeys local = ApiKeys.configured("local-dev-token", file.toString(), Set.of("local"));
        assertEquals(Optional.of("crm"), local.nameFor("0123456789abcdef-crm"), "16 characters do locally");
        Files.writeString(file, "crm=0123456789abcdef-0123456789abcdef ingest\n");
        assertEquals(Optional.of("crm"), ApiKeys.configured("a-configured-token-of-32-chars!!", file.toString(), Set.of("prod"))
                .nameFor("0123456789abcdef-0123456789abcdef"));
    }
}
