package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.FieldDef;
import dev.unsubsync.emulator.domain.Identity;
import dev.unsubsync.emulator.domain.OrgSchema;
import dev.unsubsync.emulator.domain.SObjectType;
import dev.unsubsync.emulator.domain.SalesforceException;
import dev.unsubsync.emulator.domain.Soql;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two query answers besides records: the column metadata Salesforce's own tooling asks for with {@code columns=true}
 * ({@code columnMetadata}, {@code entityName}, {@code groupBy}, {@code idSelected}, {@code keyPrefix}), and the org's one
 * {@code Organization} row ({@code SELECT … FROM Organization}), which clients read at login.
 */
final class QueryColumns {

    private static final Pattern ORGANIZATION = Pattern.compile("(?is)^\\s*SELECT\\s+(.+?)\\s+FROM\\s+Organization\\b.*$");

    private QueryColumns() {
    }

    /** The column metadata of a query, without running it. */
    static Map<String, Object> of(String soql, OrgSchema schema) {
        if (soql == null) {
            throw new SalesforceException(400, "MALFORMED_QUERY", "q parameter is required");
        }
        Soql.Query query = Soql.parse(soql, schema);
        SObjectType type = query.type();
        List<Map<String, Object>> columns = new ArrayList<>();
        for (String name : query.fields()) {
            FieldDef field = type.field(name).orElseThrow();
            Map<String, Object> column = new LinkedHashMap<>();
            column.put("aggregate", false);
            column.put("apexType", switch (field.type()) {
                case "boolean" -> "Boolean";
                case "datetime" -> "Datetime";
                case "id", "reference" -> "Id";
                default -> "String";
            });
            column.put("booleanType", field.type().equals("boolean"));
            column.put("columnName", field.name());
            column.put("custom", field.custom());
            column.put("displayName", field.name());
            column.put("foreignKeyName", null);
            column.put("insertable", field.createable());
            column.put("joinColumns", List.of());
            column.put("numberType", false);
            column.put("textType", List.of("string", "email", "textarea", "picklist", "phone", "url").contains(field.type()));
            column.put("updatable", field.updateable());
            columns.add(column);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("columnMetadata", columns);
        body.put("entityName", type.name());
        body.put("groupBy", false);
        body.put("idSelected", query.fields().stream().anyMatch(f -> f.equalsIgnoreCase("Id")));
        body.put("keyPrefix", type.prefix());
        return body;
    }

    /** The Organization row with the selected fields, when {@code soql} reads the Organization object. */
    static Optional<Map<String, Object>> organizationRow(String soql) {
        Matcher m = soql == null ? null : ORGANIZATION.matcher(soql);
        if (m == null || !m.matches()) {
            return Optional.empty();
        }
        Map<String, Object> all = Identity.organization();
        Map<String, Object> row = new LinkedHashMap<>();
        String select = m.group(1).trim();
        if (select.replace(" ", "").equalsIgnoreCase("COUNT()")) {
            return Optional.of(row);
        }
        for (String raw : select.split(",")) {
            String name = raw.trim();
            String known = all.keySet().stream().filter(k -> k.equalsIgnoreCase(name)).findFirst()
                    .orElseThrow(() -> new SalesforceException(400, "INVALID_FIELD",
                            "\n" + soql + "\nNo such column '" + name
                                    + "' on entity 'Organization'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name."));
            row.put(known, all.get(known));
        }
        return Optional.of(row);
    }

    /** Whether an Organization query asks for the count only. */
    static boolean countsOnly(String soql) {
        Matcher m = ORGANIZATION.matcher(soql);
        return m.matches() && m.group(1).replace(" ", "").toUpperCase(Locale.ROOT).equals("COUNT()");
    }
}
