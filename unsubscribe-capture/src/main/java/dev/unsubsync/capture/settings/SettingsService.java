package dev.unsubsync.capture.settings;

import dev.unsubsync.capture.api.EventNotDurableException;
import dev.unsubsync.capture.api.FieldError;
import dev.unsubsync.capture.api.InvalidUnsubscribeException;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.FrameworkFree;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Reads and changes the sync settings, enforcing what makes them valid. */
@FrameworkFree
public final class SettingsService {

    private static final Pattern CUSTOM_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,36}__c");
    private static final Pattern TIME = Pattern.compile("\\d{2}:\\d{2}");

    private final Supplier<SyncSettings> current;
    private final Consumer<SyncSettings> publisher;
    private final Clock clock;
    private final BooleanSupplier read;

    /**
     * @param current   the settings in force
     * @param publisher makes new settings durable (throws {@link EventNotDurableException} when it cannot)
     * @param read      whether the stored settings have been read (until then a change would apply to the defaults)
     */
    public SettingsService(Supplier<SyncSettings> current, Consumer<SyncSettings> publisher, Clock clock, BooleanSupplier read) {
        this.current = current;
        this.publisher = publisher;
        this.clock = clock;
        this.read = read;
    }

    public SyncSettings current() {
        return current.get();
    }

    /** Whether the stored settings have been read: until then {@link #current()} is only the defaults. */
    public boolean read() {
        return read.getAsBoolean();
    }

    /** The version of settings: changes with every save ({@code "0"} for settings never saved); the API's ETag. */
    public static String version(SyncSettings settings) {
        return settings.getUpdatedAt() == null ? "0" : String.valueOf(settings.getUpdatedAt().toEpochMilli());
    }

    /**
     * Applies a change made against {@code expectedVersion} (null: whatever is in force), once the stored settings have
     * been read.
     *
     * @throws SettingsConflictException when the stored settings are not read yet, or another change came in between
     */
    public SyncSettings update(SettingsRequest request, String by, String expectedVersion) {
        if (!read.getAsBoolean()) {
            throw new SettingsConflictException("the stored settings have not been read yet (is the schema registry reachable?); "
                    + "a change now would apply to the defaults, not to them", null, true);
        }
        String now = version(current.get());
        if (expectedVersion != null && !expectedVersion.equals(now)) {
            throw new SettingsConflictException("the settings changed since version " + expectedVersion + " was read; the current version is "
                    + now + ": read them again and repeat the change", now, false);
        }
        return update(request, by);
    }

    /**
     * Applies a change: fields left out keep their value; the result is validated whole, then made durable.
     *
     * @throws InvalidUnsubscribeException naming every problem (no field selected while sync is enabled, an unknown
     *                                     zone, a malformed time or field name)
     */
    SyncSettings update(SettingsRequest request, String by) {
        SyncSettings now = current.get();
        SyncSettings.Builder next = SyncSettings.newBuilder(now);
        List<FieldError> errors = new ArrayList<>();
        if (request.nightlySyncEnabled() != null) {
            next.setNightlySyncEnabled(request.nightlySyncEnabled());
        }
        if (request.syncToEmailOptOut() != null) {
            next.setSyncToEmailOptOut(request.syncToEmailOptOut());
        }
        if (request.syncToMarketoSalesOptOut() != null) {
            next.setSyncToMarketoSalesOptOut(request.syncToMarketoSalesOptOut());
        }
        if (request.marketoSalesOptOutField() != null) {
            String field = request.marketoSalesOptOutField().trim();
            if (!CUSTOM_FIELD.matcher(field).matches()) {
                errors.add(new FieldError("marketoSalesOptOutField",
                        "'" + field + "' is not a custom field API name: letters, digits and underscores, starting with a letter, ending in __c"));
            }
            next.setMarketoSalesOptOutField(field);
        }
        if (request.nightlyTime() != null) {
            String time = request.nightlyTime().trim();
            try {
                if (!TIME.matcher(time).matches()) {
                    throw new DateTimeParseException("not HH:mm", time, 0);
                }
                LocalTime.parse(time);
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("nightlyTime", "'" + time + "' is not a time of day as HH:mm, e.g. 20:00"));
            }
            next.setNightlyTime(time);
        }
        if (request.nightlyZone() != null) {
            String zone = request.nightlyZone().trim();
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                errors.add(new FieldError("nightlyZone", "'" + zone + "' is not a known time zone; use an IANA name such as America/Los_Angeles"));
            }
            next.setNightlyZone(zone);
        }
        if (next.getNightlySyncEnabled() && !next.getSyncToEmailOptOut() && !next.getSyncToMarketoSalesOptOut()) {
            errors.add(new FieldError("syncToEmailOptOut",
                    "select at least one field to sync to (Email Opt Out, Marketo Sales Opt Out, or both) while the nightly sync is enabled"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidUnsubscribeException(errors);
        }
        SyncSettings saved = next.setUpdatedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS)).setUpdatedBy(by).build();
        publisher.accept(saved);
        return saved;
    }
}
