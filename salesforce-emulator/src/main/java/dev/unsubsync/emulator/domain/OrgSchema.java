package dev.unsubsync.emulator.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Contact and Lead objects of the emulated org, including the Marketo Sales Opt Out field when its package is
 * installed.
 */
public final class OrgSchema {

    /** Label of the custom field the sales-insight package installs. */
    public static final String MARKETO_FIELD_LABEL = "Marketo Sales Opt Out";

    /** What the integration user may do with a field (field-level security). */
    public enum FieldAccess { EDITABLE, READ_ONLY, HIDDEN }

    private final Map<String, SObjectType> types;
    private final Optional<String> marketoField;
    private final Map<String, FieldAccess> access;

    /**
     * @param marketoField API name of the Marketo Sales Opt Out field, or empty when the package is not installed
     */
    public OrgSchema(Optional<String> marketoField) {
        this(marketoField, Map.of());
    }

    /**
     * @param access field-level security for the integration user, by {@code Object.Field} (e.g.
     *               {@code Lead.HasOptedOutOfEmail}); fields not named are editable (or, for system fields, read-only)
     */
    public OrgSchema(Optional<String> marketoField, Map<String, FieldAccess> access) {
        this.marketoField = marketoField;
        this.access = Map.copyOf(access);
        this.types = Map.of(
                "contact", new SObjectType("Contact", "003", restrict("Contact", fields(marketoField, false)), List.of("LastName")),
                "lead", new SObjectType("Lead", "00Q", restrict("Lead", fields(marketoField, true)), List.of("LastName", "Company")));
    }

    /** This schema with one more field-level security setting. */
    public OrgSchema withAccess(String type, String field, FieldAccess fieldAccess) {
        // Look the field up without restrictions: a hidden field can be made visible again.
        SObjectType unrestricted = new OrgSchema(marketoField).require(type);
        FieldDef def = unrestricted.field(field)
                .orElseThrow(() -> new IllegalArgumentException("No field " + field + " on " + unrestricted.name()));
        Map<String, FieldAccess> changed = new HashMap<>(access);
        changed.put(unrestricted.name() + "." + def.name(), fieldAccess);
        return new OrgSchema(marketoField, changed);
    }

    /** This schema with the Marketo field installed under another name, or removed; field-level security kept. */
    public OrgSchema withMarketoField(Optional<String> apiName) {
        return new OrgSchema(apiName, access);
    }

    /** Field-level security settings in force. */
    public Map<String, FieldAccess> access() {
        return access;
    }

    private List<FieldDef> restrict(String type, List<FieldDef> fields) {
        List<FieldDef> visible = new ArrayList<>();
        for (FieldDef f : fields) {
            FieldAccess a = access.getOrDefault(type + "." + f.name(), FieldAccess.EDITABLE);
            switch (a) {
                case HIDDEN -> {
                    // The integration user cannot see it: absent from describe, SOQL and writes.
                }
                case READ_ONLY -> visible.add(new FieldDef(f.name(), f.label(), f.type(), false, false, f.nillable(), f.custom(), f.length()));
                case EDITABLE -> visible.add(f);
            }
        }
        return visible;
    }

    private static List<FieldDef> fields(Optional<String> marketoField, boolean lead) {
        List<FieldDef> fields = new ArrayList<>(List.of(
                FieldDef.system("Id", lead ? "Lead ID" : "Contact ID", "id"),
                FieldDef.system("IsDeleted", "Deleted", "boolean"),
                FieldDef.system("MasterRecordId", lead ? "Master Record ID" : "Master Record ID", "reference"),
                FieldDef.text("FirstName", "First Name", "string", 40, true),
                FieldDef.text("LastName", "Last Name", "string", 80, false),
                FieldDef.text("Email", "Email", "email", 80, true),
                FieldDef.flag("HasOptedOutOfEmail", "Email Opt Out", false)));
        if (lead) {
            fields.add(FieldDef.text("Company", "Company", "string", 255, false));
            fields.add(FieldDef.text("Status", "Status", "picklist", 255, false));
            fields.add(FieldDef.system("IsConverted", "Converted", "boolean"));
            fields.add(FieldDef.system("ConvertedContactId", "Converted Contact ID", "reference"));
        }
        marketoField.ifPresent(name -> fields.add(FieldDef.flag(name, MARKETO_FIELD_LABEL, true)));
        fields.add(FieldDef.system("CreatedDate", "Created Date", "datetime"));
        fields.add(FieldDef.system("CreatedById", "Created By ID", "reference"));
        fields.add(FieldDef.system("LastModifiedDate", "Last Modified Date", "datetime"));
        fields.add(FieldDef.system("LastModifiedById", "Last Modified By ID", "reference"));
        fields.add(FieldDef.system("SystemModstamp", "System Modstamp", "datetime"));
        return fields;
    }

    /** API name of the Marketo Sales Opt Out field, when installed. */
    public Optional<String> marketoField() {
        return marketoField;
    }

    /** Every sObject type of the org. */
    public Collection<SObjectType> types() {
        return types.values();
    }

    public Optional<SObjectType> type(String name) {
        return Optional.ofNullable(types.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The type that owns IDs with this key prefix. */
    public Optional<SObjectType> typeForPrefix(String prefix) {
        return types.values().stream().filter(t -> t.prefix().equals(prefix)).findFirst();
    }

    /** The type, or Salesforce's {@code NOT_FOUND} for an sObject it does not know. */
    public SObjectType require(String name) {
        return type(name).orElseThrow(() -> new SalesforceException(404, "NOT_FOUND", "The requested resource does not exist"));
    }
}
