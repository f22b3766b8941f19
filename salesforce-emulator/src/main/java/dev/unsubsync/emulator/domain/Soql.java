package dev.unsubsync.emulator.domain;

import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.SalesforceId;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A recursive-descent parser and evaluator of the subset of SOQL the emulator understands:
 * {@code SELECT f1, f2 | COUNT() FROM Contact|Lead [WHERE cond] [ORDER BY f [ASC|DESC]] [LIMIT n]}, where a condition compares a
 * field with a literal ({@code = != <> < > <= >= LIKE}, {@code IN (...)}, {@code NOT IN (...)}), combined with
 * {@code AND}, {@code OR}, {@code NOT} and parentheses. Text comparisons are case-insensitive, as in Salesforce; ID
 * literals may be 15 or 18 characters. Anything else is refused with {@code MALFORMED_QUERY}.
 */
public final class Soql {

    /** A parsed query, bound to its sObject type. */
    public record Query(SObjectType type, List<String> fields, Condition where, String orderBy, boolean descending, Integer limit,
            boolean count) {

        /** {@code SELECT COUNT() FROM …}: the answer is the number of rows, with no records. */
        public boolean countOnly() {
            return count;
        }

        /** Rows from {@code records} that match, ordered and limited as asked. */
        public List<Map<String, Object>> select(List<Map<String, Object>> records) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map<String, Object> record : records) {
                if (where == null || where.test(record)) {
                    rows.add(record);
                }
            }
            if (orderBy != null) {
                Comparator<Map<String, Object>> byField = (a, b) -> sortOrder(a.get(orderBy), b.get(orderBy));
                rows.sort(descending ? byField.reversed() : byField);
            }
            return limit == null || rows.size() <= limit ? rows : new ArrayList<>(rows.subList(0, limit));
        }

        /** Nulls first, text case-insensitively, other values in their natural order (one field holds one type). */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private static int sortOrder(Object a, Object b) {
            if (a == null || b == null) {
                return a == null ? (b == null ? 0 : -1) : 1;
            }
            if (a instanceof String x && b instanceof String y) {
                return x.compareToIgnoreCase(y);
            }
            return ((Comparable) a).compareTo(b);
        }
    }

    /** A WHERE condition over a record's fields. */
    public interface Condition {
        boolean test(Map<String, Object> record);
    }

    private final List<String> tokens;
    private final OrgSchema schema;
    private final String text;
    private int pos;
    private SObjectType type;

    private Soql(String text, OrgSchema schema) {
        this.text = text;
        this.schema = schema;
        this.tokens = SoqlTerms.tokenize(text);
    }

    /** Parses {@code soql}, checking object and field names against the org. */
    public static Query parse(String soql, OrgSchema schema) {
        if (soql == null || soql.isBlank()) {
            throw malformed("query must not be empty");
        }
        return new Soql(soql.trim(), schema).query();
    }

    private Query query() {
        expectKeyword("SELECT");
        List<String> rawFields = new ArrayList<>();
        boolean count = false;
        if (pos + 2 < tokens.size() && tokens.get(pos).equalsIgnoreCase("COUNT") && tokens.get(pos + 1).equals("(") && tokens.get(pos + 2).equals(")")) {
            pos += 3;
            count = true;
        } else {
            do {
                rawFields.add(identifier("a field name"));
            } while (accept(","));
        }
        expectKeyword("FROM");
        String object = identifier("an sObject name");
        type = schema.type(object).orElseThrow(() -> new SalesforceException(400, "INVALID_TYPE",
                "\n" + text + "\nsObject type '" + object
                        + "' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."));
        List<String> fields = rawFields.stream().map(this::fieldName).toList();
        Condition where = null;
        if (acceptKeyword("WHERE")) {
            where = or();
        }
        String orderBy = null;
        boolean descending = false;
        if (acceptKeyword("ORDER")) {
            expectKeyword("BY");
            orderBy = fieldName(identifier("a field name"));
            if (acceptKeyword("DESC")) {
                descending = true;
            } else {
                acceptKeyword("ASC");
            }
        }
        Integer limit = null;
        if (acceptKeyword("LIMIT")) {
            String n = next("a number");
            try {
                limit = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw malformed("LIMIT must be a whole number, was " + n);
            }
        }
        if (pos < tokens.size()) {
            throw malformed("unexpected token: '" + tokens.get(pos) + "'");
        }
        return new Query(type, fields, where, orderBy, descending, limit, count);
    }

    private Condition or() {
        Condition left = and();
        while (acceptKeyword("OR")) {
            Condition l = left;
            Condition r = and();
            left = rec -> l.test(rec) || r.test(rec);
        }
        return left;
    }

    private Condition and() {
        Condition left = unary();
        while (acceptKeyword("AND")) {
            Condition l = left;
            Condition r = unary();
            left = rec -> l.test(rec) && r.test(rec);
        }
        return left;
    }

    private Condition unary() {
        if (acceptKeyword("NOT")) {
            Condition inner = unary();
            return rec -> !inner.test(rec);
        }
        if (accept("(")) {
            Condition inner = or();
            expect(")");
            return inner;
        }
        return comparison();
    }

    private Condition comparison() {
        String field = fieldName(identifier("a field name"));
        FieldDef def = type.field(field).orElseThrow();
        if (acceptKeyword("NOT")) {
            expectKeyword("IN");
            List<Object> values = valueList(def);
            return rec -> values.stream().noneMatch(v -> SoqlTerms.compare(rec.get(field), v) == 0);
        }
        if (acceptKeyword("IN")) {
            List<Object> values = valueList(def);
            return rec -> values.stream().anyMatch(v -> SoqlTerms.compare(rec.get(field), v) == 0);
        }
        String op = next("an operator").toUpperCase(Locale.ROOT);
        Object value = literal(def);
        return switch (op) {
            case "=" -> rec -> SoqlTerms.compare(rec.get(field), value) == 0;
            case "!=", "<>" -> rec -> SoqlTerms.compare(rec.get(field), value) != 0;
            case "<" -> rec -> SoqlTerms.ordered(rec.get(field), value) && SoqlTerms.compare(rec.get(field), value) < 0;
            case ">" -> rec -> SoqlTerms.ordered(rec.get(field), value) && SoqlTerms.compare(rec.get(field), value) > 0;
            case "<=" -> rec -> SoqlTerms.ordered(rec.get(field), value) && SoqlTerms.compare(rec.get(field), value) <= 0;
            case ">=" -> rec -> SoqlTerms.ordered(rec.get(field), value) && SoqlTerms.compare(rec.get(field), value) >= 0;
            case "LIKE" -> {
                if (!(value instanceof String pattern)) {
                    throw malformed("LIKE needs a string pattern");
                }
                String regex = SoqlTerms.likeToRegex(pattern);
                yield rec -> rec.get(field) instanceof String s && s.toLowerCase(Locale.ROOT).matches(regex);
            }
            default -> throw malformed("unknown operator '" + op + "'");
        };
    }

    private List<Object> valueList(FieldDef def) {
        expect("(");
        List<Object> values = new ArrayList<>();
        do {
            values.add(literal(def));
        } while (accept(","));
        expect(")");
        return values;
    }

    private Object literal(FieldDef def) {
        String token = next("a value");
        if (token.startsWith("'")) {
            String value = token.substring(1, token.length() - 1);
            if (def.type().equals("id") || def.type().equals("reference")) {
                try {
                    return SalesforceId.parse(value).to18();
                } catch (InvalidSalesforceIdException e) {
                    throw new SalesforceException(400, "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: " + value);
                }
            }
            return value;
        }
        String upper = token.toUpperCase(Locale.ROOT);
        if (upper.equals("TRUE") || upper.equals("FALSE")) {
            return Boolean.valueOf(upper.equals("TRUE"));
        }
        if (upper.equals("NULL")) {
            return null;
        }
        if (def.type().equals("datetime")) {
            try {
                return OffsetDateTime.parse(token).toInstant();
            } catch (DateTimeParseException e) {
                throw malformed("value of filter criterion for field '" + def.name() + "' must be of type dateTime and should not be enclosed in quotes");
            }
        }
        try {
            return Double.valueOf(token);
        } catch (NumberFormatException e) {
            throw malformed("unexpected value '" + token + "'");
        }
    }

    private String fieldName(String raw) {
        return type.field(raw).map(FieldDef::name).orElseThrow(() -> new SalesforceException(400, "INVALID_FIELD",
                "\n" + text + "\nNo such column '" + raw + "' on entity '" + type.name()
                        + "'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."));
    }

    private String identifier(String what) {
        String token = next(what);
        if (!Character.isLetter(token.charAt(0))) {
            throw malformed("expected " + what + " but found '" + token + "'");
        }
        return token;
    }

    private String next(String what) {
        if (pos >= tokens.size()) {
            throw malformed("unexpected end of query, expected " + what);
        }
        return tokens.get(pos++);
    }

    private boolean accept(String symbol) {
        if (pos < tokens.size() && tokens.get(pos).equals(symbol)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String symbol) {
        if (!accept(symbol)) {
            throw malformed("expected '" + symbol + "'" + (pos < tokens.size() ? " but found '" + tokens.get(pos) + "'" : " at end of query"));
        }
    }

    private boolean acceptKeyword(String keyword) {
        if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(keyword)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expectKeyword(String keyword) {
        if (!acceptKeyword(keyword)) {
            throw malformed("expected " + keyword + (pos < tokens.size() ? " but found '" + tokens.get(pos) + "'" : " at end of query"));
        }
    }

    private static SalesforceException malformed(String detail) {
        return new SalesforceException(400, "MALFORMED_QUERY", detail);
    }

}
