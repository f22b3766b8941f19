package dev.unsubsync.pusher.fields;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.kit.FrameworkFree;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.SalesforceId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * What describe last said about the opt-out fields on Contact and Lead: for each field that cannot be written, why, in
 * words an admin can act on. A field never checked counts as writable (a refused write then parks the event and asks
 * for a new check).
 */
@FrameworkFree
public final class FieldCheck {

    /** The objects people live on. */
    public static final List<String> OBJECTS = List.of("Contact", "Lead");

    private final Map<String, Map<String, String>> problems = new ConcurrentHashMap<>();

    /** Records describe's view of {@code objectType}: each field missing or read-only, with what to do. */
    public void update(String objectType, Map<String, String> fieldProblems) {
        problems.put(objectType, Map.copyOf(fieldProblems));
    }

    /** Adds one problem learnt from a refused write, until the next describe says otherwise. */
    public void report(String objectType, String field, String why) {
        problems.merge(objectType, Map.of(field, why), (old, added) -> {
            Map<String, String> merged = new LinkedHashMap<>(old);
            merged.putAll(added);
            return Map.copyOf(merged);
        });
    }

    /**
     * Whether a parked event still cannot be written: a field it waits for is unavailable on the object its ID names, or,
     * for an event that reaches records by email, on either object.
     */
    public boolean stillBlocks(SpecificRecord event, List<String> waitingFor) {
        if (!(event instanceof UnsubscribeRecorded recorded)) {
            return false;
        }
        List<String> objectTypes = List.of("Contact", "Lead");
        if (recorded.getSalesforceId() != null) {
            try {
                objectTypes = SalesforceId.parse(recorded.getSalesforceId()).personObjectType().map(List::of).orElse(objectTypes);
            } catch (InvalidSalesforceIdException e) {
                // Reached by email only.
            }
        }
        return objectTypes.stream().anyMatch(objectType -> !unavailable(objectType, waitingFor).isEmpty());
    }

    /** The fields among {@code fields} that cannot be written on {@code objectType} now, with why. */
    public Map<String, String> unavailable(String objectType, List<String> fields) {
        Map<String, String> known = problems.getOrDefault(objectType, Map.of());
        Map<String, String> result = new LinkedHashMap<>();
        for (String field : fields) {
            if (known.containsKey(field)) {
                result.put(field, known.get(field));
            }
        }
        return result;
    }

    /** Every problem known, as "Object.Field" to explanation. */
    public Map<String, String> problems() {
        Map<String, String> all = new LinkedHashMap<>();
        problems.forEach((object, fields) -> fields.forEach((field, why) -> all.put(object + "." + field, why)));
        return all;
    }

    /** The explanation for a missing field. */
    public static String missing(String objectType, String field) {
        return "The field " + field + " does not exist on " + objectType + ", or the integration user cannot see it. In Salesforce: "
                + numbered(missingSteps(objectType, field)) + " Unsubscribes for it are parked and will be pushed once it is there.";
    }

    /** The explanation for a read-only field. */
    public static String readOnly(String objectType, String field) {
        return "The field " + field + " on " + objectType + " is read-only for the integration user. In Salesforce: "
                + numbered(readOnlySteps(objectType, field)) + " Unsubscribes for it are parked and will be pushed once it is writable.";
    }

    /** What an admin does in Salesforce when {@code field} is missing on {@code objectType}, step by step. */
    public static List<String> missingSteps(String objectType, String field) {
        return List.of("Install the package that provides " + field + " (the sales-insight package for the Marketo Sales Opt Out field), or create the field.",
                "Grant the integration user's profile or permission set Read and Edit access to " + field + " on " + objectType + " (Field-Level Security).",
                "Add " + field + " to the " + objectType + " page layout.");
    }

    /** What an admin does in Salesforce when {@code field} is read-only on {@code objectType}. */
    public static List<String> readOnlySteps(String objectType, String field) {
        return List.of("Open Setup → Object Manager → " + objectType + " → Fields & Relationships → " + field + " → Set Field-Level Security.",
                "Tick Visible and clear Read-Only for the integration user's profile (or grant Edit access in its permission set).");
    }

    private static String numbered(List<String> steps) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            text.append(i == 0 ? "" : " ").append(i + 1).append(". ").append(steps.get(i));
        }
        return text.toString();
    }
}
