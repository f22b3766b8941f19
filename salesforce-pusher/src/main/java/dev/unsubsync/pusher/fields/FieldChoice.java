package dev.unsubsync.pusher.fields;

import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.FrameworkFree;
import java.util.ArrayList;
import java.util.List;

/** Which opt-out fields an unsubscribe sets, from the admin's settings (salesforce-pusher/README.md, "Behaviour": which fields). */
@FrameworkFree
public final class FieldChoice {

    /** The standard Email Opt Out field. */
    public static final String EMAIL_OPT_OUT = "HasOptedOutOfEmail";

    private FieldChoice() {
    }

    /**
     * With the sync enabled, the selected fields (Email Opt Out, Marketo Sales Opt Out, or both). With it disabled,
     * Email Opt Out only, whatever is selected: unsubscribes are always pushed there.
     */
    public static List<String> fields(SyncSettings settings) {
        if (!settings.getNightlySyncEnabled()) {
            return List.of(EMAIL_OPT_OUT);
        }
        List<String> fields = new ArrayList<>();
        if (settings.getSyncToEmailOptOut()) {
            fields.add(EMAIL_OPT_OUT);
        }
        if (settings.getSyncToMarketoSalesOptOut()) {
            fields.add(settings.getMarketoSalesOptOutField());
        }
        // Settings validation forbids none selected while enabled; should it happen anyway, Email Opt Out still holds.
        return fields.isEmpty() ? List.of(EMAIL_OPT_OUT) : List.copyOf(fields);
    }
}
