package dev.unsubsync.pusher.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What describe last said about the opt-out fields on Contact and Lead: for each field that cannot be written, why, in
 * words an admin can act on. A field never checked counts as writable (a refused write then parks the event and asks
 * for a new check).
 */
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
        return "The field " + field + " does not exist on " + objectType + ", or the integration user cannot see it. "
                + "In Salesforce: 1. install the package that provides it (or create the field), 2. grant the integration "
                + "user's profile or permission set Read and Edit access to it, 3. add it to the " + objectType + " page layout. "
                + "Unsubscribes for it are parked and will be pushed once it is there.";
    }

    /** The explanation for a read-only field. */
    public static String readOnly(String objectType, String field) {
        return "The field " + field + " on " + objectType + " is read-only for the integration user. In Salesforce, give "
                + "its profile or permission set Edit access to the field (Field-Level Security). Unsubscribes for it are "
                + "parked and will be pushed once it is writable.";
    }
}
