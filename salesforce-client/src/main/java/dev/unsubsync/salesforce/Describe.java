package dev.unsubsync.salesforce;

import java.util.List;
import java.util.Optional;

/**
 * What describe says of an sObject, as far as this system cares: its fields, with whether the integration user can
 * write them. A field the user cannot see is absent.
 */
public record Describe(String name, List<Field> fields) {

    /** One field. */
    public record Field(String name, String label, String type, boolean updateable) {
    }

    public Describe {
        fields = List.copyOf(fields);
    }

    /** The field with this API name (case-insensitive, as Salesforce treats names). */
    public Optional<Field> field(String apiName) {
        return fields.stream().filter(f -> f.name().equalsIgnoreCase(apiName)).findFirst();
    }

    /** The first field with this label, e.g. "Marketo Sales Opt Out", whose API name differs between orgs. */
    public Optional<Field> fieldLabelled(String label) {
        return fields.stream().filter(f -> f.label().equalsIgnoreCase(label)).findFirst();
    }
}
