package dev.unsubsync.emulator.domain;

import java.util.ArrayList;
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

    private final Map<String, SObjectType> types;
    private final Optional<String> marketoField;

    /**
     * @param marketoField API name of the Marketo Sales Opt Out field, or empty when the package is not installed
     */
    public OrgSchema(Optional<String> marketoField) {
        this.marketoField = marketoField;
        this.types = Map.of(
                "contact", new SObjectType("Contact", "003", fields(marketoField, false), List.of("LastName")),
                "lead", new SObjectType("Lead", "00Q", fields(marketoField, true), List.of("LastName", "Company")));
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
        fields.add(FieldDef.system("LastModifiedDate", "Last Modified Date", "datetime"));
        fields.add(FieldDef.system("SystemModstamp", "System Modstamp", "datetime"));
        return fields;
    }

    /** API name of the Marketo Sales Opt Out field, when installed. */
    public Optional<String> marketoField() {
        return marketoField;
    }

    /** The type with this API name (case-insensitive). */
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
