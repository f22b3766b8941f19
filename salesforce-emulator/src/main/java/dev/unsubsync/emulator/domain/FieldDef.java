package dev.unsubsync.emulator.domain;

/**
 * A field of an emulated sObject as describe reports it.
 *
 * @param name       API name
 * @param label      label shown in Salesforce
 * @param type       Salesforce field type (id, string, email, boolean, datetime, reference, picklist)
 * @param updateable whether the integration user can write it
 * @param createable whether it can be set on create
 * @param nillable   whether it may be null
 * @param custom     whether it is a custom field ({@code __c})
 * @param length     length for text types, 0 otherwise
 */
public record FieldDef(String name, String label, String type, boolean updateable, boolean createable, boolean nillable,
        boolean custom, int length) {

    /** A field Salesforce maintains itself: never writable through the API. References may be empty. */
    static FieldDef system(String name, String label, String type) {
        boolean reference = type.equals("reference");
        return new FieldDef(name, label, type, false, false, reference, false, reference || type.equals("id") ? 18 : 0);
    }

    static FieldDef text(String name, String label, String type, int length, boolean nillable) {
        return new FieldDef(name, label, type, true, true, nillable, false, length);
    }

    static FieldDef flag(String name, String label, boolean custom) {
        return new FieldDef(name, label, "boolean", true, true, false, custom, 0);
    }

    /** Whether a JSON value fits this field's type. */
    boolean accepts(Object value) {
        if (value == null) {
            return nillable;
        }
        return switch (type) {
            case "boolean" -> value instanceof Boolean;
            case "string", "email", "picklist", "phone", "textarea" -> value instanceof String s && s.length() <= length;
            default -> false;
        };
    }
}
