package dev.unsubsync.capture.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unsubsync.capture.api.FieldError;
import dev.unsubsync.capture.api.InvalidUnsubscribeException;
import dev.unsubsync.events.SyncSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SettingsServiceTest {

    private final AtomicReference<SyncSettings> store = new AtomicReference<>(SyncSettings.newBuilder().build());
    private final java.util.concurrent.atomic.AtomicBoolean read = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final SettingsService service = new SettingsService(store::get, store::set,
            Clock.fixed(Instant.parse("2026-11-28T18:00:00Z"), ZoneOffset.UTC), read::get);

    @Test
    void aChangeBeforeTheStoredSettingsAreReadIsRefusedRatherThanAppliedToTheDefaults() {
        read.set(false);
        SettingsConflictException e = assertThrows(SettingsConflictException.class,
                () -> service.update(new SettingsRequest(true, null, null, null, null, null), "admin", null));
        assertTrue(e.notReadYet(), e.getMessage());
    }

    @Test
    void aChangeMadeAgainstAnOlderVersionIsRefusedAndTheCurrentOneNamed() {
        SyncSettings first = service.update(new SettingsRequest(true, null, null, null, null, null), "admin", SettingsService.version(store.get()));
        SettingsConflictException e = assertThrows(SettingsConflictException.class,
                () -> service.update(new SettingsRequest(null, false, true, null, null, null), "admin", "0"));
        assertEquals(SettingsService.version(first), e.currentVersion());
        assertEquals(first, store.get(), "nothing changed");
    }

    @Test
    void defaultsAreEmailOptOutOnlyAndNightlySyncOffAt8pmPacific() {
        SyncSettings defaults = service.current();
        assertFalse(defaults.getNightlySyncEnabled());
        assertTrue(defaults.getSyncToEmailOptOut());
        assertFalse(defaults.getSyncToMarketoSalesOptOut());
        assertEquals("Marketo_Sales_Opt_Out__c", defaults.getMarketoSalesOptOutField());
        assertEquals("20:00", defaults.getNightlyTime());
        assertEquals("America/Los_Angeles", defaults.getNightlyZone());
    }

    @Test
    void fieldsLeftOutKeepTheirValueAndTheChangeIsStamped() {
        SyncSettings saved = service.update(new SettingsRequest(true, null, true, "mkto_si__Opt_Out__c", null, null), "admin");
        assertTrue(saved.getNightlySyncEnabled());
        assertTrue(saved.getSyncToEmailOptOut());
        assertTrue(saved.getSyncToMarketoSalesOptOut());
        assertEquals("mkto_si__Opt_Out__c", saved.getMarketoSalesOptOutField());
        assertEquals("admin", saved.getUpdatedBy());
        assertEquals(saved, store.get());
    }

    @Test
    void noFieldSelectedWhileSyncIsEnabledIsRefused() {
        var e = assertThrows(InvalidUnsubscribeException.class,
                () -> service.update(new SettingsRequest(true, false, false, null, null, null), "admin"));
        assertTrue(e.getMessage().contains("at least one field"), e.getMessage());
        assertEquals(SyncSettings.newBuilder().build(), store.get(), "nothing saved");
    }

    @Test
    void unknownZoneMalformedTimeAndFieldNameAreEachNamed() {
        var e = assertThrows(InvalidUnsubscribeException.class,
                () -> service.update(new SettingsRequest(null, null, null, "Not A Field", "8pm", "Mars/Olympus"), "admin"));
        assertEquals(List.of("marketoSalesOptOutField", "nightlyTime", "nightlyZone"), e.errors().stream().map(FieldError::field).toList());
    }

    @Test
    void bothFieldsOffIsFineWhileSyncIsDisabledBecauseEmailOptOutIsStillWritten() {
        SyncSettings saved = service.update(new SettingsRequest(false, false, false, null, null, null), "admin");
        assertFalse(saved.getSyncToEmailOptOut());
    }
}
