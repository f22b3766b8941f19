package dev.unsubsync.emulator.domain;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** An emulated sObject type (Contact or Lead): its key prefix and the fields the integration user can see. */
public final class SObjectType {

    private final String name;
    private final String prefix;
    private final Map<String, FieldDef> fieldsByLowerName = new LinkedHashMap<>();
    private final List<String> requiredOnCreate;

    SObjectType(String name, String prefix, List<FieldDef> fields, List<String> requiredOnCreate) {
        this.name = name;
        this.prefix = prefix;
        fields.forEach(f -> fieldsByLowerName.put(f.name().toLowerCase(Locale.ROOT), f));
        this.requiredOnCreate = List.copyOf(requiredOnCreate);
    }

    public String name() {
        return name;
    }

    public String prefix() {
        return prefix;
    }

    /** Fields in describe order. */
    public Collection<FieldDef> fields() {
        return fieldsByLowerName.values();
    }

    /** A field by API name; SOQL and JSON field names are case-insensitive. */
    public Optional<FieldDef> field(String apiName) {
        return Optional.ofNullable(fieldsByLowerName.get(apiName.toLowerCase(Locale.ROOT)));
    }

    List<String> requiredOnCreate() {
        return requiredOnCreate;
    }
}
