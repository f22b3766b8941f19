package dev.unsubsync.reconciler.directory;

import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.salesforce.Describe;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether the directory reads the Marketo opt-out field of an object: the field's API name when the admin selected it and
 * it exists on the object (describe, remembered for an hour), else null, so a field that is not installed is not read.
 * Used by the directory's one thread.
 */
final class MarketoFields {

    private static final Duration DESCRIBE_FOR = Duration.ofHours(1);

    /** What describe said of the field asked for: its name when it exists on the object, else null. */
    private record Known(String asked, String name, Instant until) {
    }

    private final SalesforceClient salesforce;
    private final Supplier<SyncSettings> settings;
    private final Clock clock;
    private final Map<String, Known> known = new HashMap<>();

    MarketoFields(SalesforceClient salesforce, Supplier<SyncSettings> settings, Clock clock) {
        this.salesforce = salesforce;
        this.settings = settings;
        this.clock = clock;
    }

    /** The field to read on {@code objectType}, or null; {@code described} runs for each describe call made. */
    String field(String objectType, Runnable described) {
        SyncSettings current = settings.get();
        if (!current.getSyncToMarketoSalesOptOut()) {
            return null;
        }
        Known found = known.get(objectType);
        Instant now = clock.instant();
        String asked = current.getMarketoSalesOptOutField();
        if (found == null || now.isAfter(found.until()) || !found.asked().equals(asked)) {
            described.run();
            Outcome<Describe> describe = salesforce.describe(objectType);
            if (!(describe instanceof Outcome.Ok<Describe>(Describe fields))) {
                throw new IllegalStateException("could not describe " + objectType + ": " + describe.describe());
            }
            found = new Known(asked, fields.field(asked).isPresent() ? asked : null, now.plus(DESCRIBE_FOR));
            known.put(objectType, found);
        }
        return found.name();
    }
}
