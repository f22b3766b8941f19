package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.FrameworkFree;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Bulk query of a nightly snapshot for one object: every record opted out in a field the settings sync, with the
 * fields the diff compares. A Marketo field the object does not have is not read (the pusher parks what needs it).
 */
@FrameworkFree
public final class SnapshotQuery {

    private SnapshotQuery() {
    }

    /**
     * The SOQL for {@code objectType}; empty when the settings sync no field this object has.
     *
     * @param marketoField the Marketo Sales Opt Out field when the settings sync it and the object has it, else null
     */
    public static Optional<String> soql(String objectType, SyncSettings settings, String marketoField) {
        List<String> conditions = new ArrayList<>();
        if (settings.getSyncToEmailOptOut()) {
            conditions.add("HasOptedOutOfEmail = true");
        }
        if (marketoField != null) {
            conditions.add(marketoField + " = true");
        }
        if (conditions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("SELECT Id, Email, HasOptedOutOfEmail" + (marketoField == null ? "" : ", " + marketoField) + " FROM " + objectType
                + " WHERE " + String.join(" OR ", conditions));
    }
}
