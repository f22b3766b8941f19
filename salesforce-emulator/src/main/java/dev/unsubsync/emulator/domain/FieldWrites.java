package dev.unsubsync.emulator.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a create or an update may set on a record: Salesforce's field checks. */
final class FieldWrites {

    private FieldWrites() {
    }

    /**
     * Applies {@code changes} to {@code record} as Salesforce checks a create or an update: each field must exist, be
     * creatable or updatable for the integration user, and take the value. The first field that fails is the error, and
     * the record is then left part-changed: the caller applies to a copy first.
     */
    static Optional<RecordError> apply(SObjectType type, Map<String, Object> record, Map<String, Object> changes, boolean creating) {
        for (Map.Entry<String, Object> change : changes.entrySet()) {
            String name = change.getKey();
            if (name.equals("attributes") || !creating && name.equalsIgnoreCase("Id")) {
                continue;
            }
            Optional<FieldDef> field = type.field(name);
            if (field.isEmpty()) {
                return Optional.of(new RecordError("INVALID_FIELD",
                        "No such column '" + name + "' on sobject of type " + type.name(), List.of(name)));
            }
            FieldDef def = field.get();
            if (creating ? !def.createable() : !def.updateable()) {
                return Optional.of(new RecordError("INVALID_FIELD_FOR_INSERT_UPDATE",
                        "Unable to create/update fields: " + def.name()
                                + ". Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                        List.of(def.name())));
            }
            if (!def.accepts(change.getValue())) {
                String expected = def.type().equals("boolean") ? "boolean" : def.type() + " of at most " + def.length() + " characters";
                return Optional.of(new RecordError(change.getValue() == null ? "REQUIRED_FIELD_MISSING" : "JSON_PARSER_ERROR",
                        "Cannot deserialize value for field " + def.name() + ": expected " + expected, List.of(def.name())));
            }
            record.put(def.name(), change.getValue());
        }
        return Optional.empty();
    }
}
