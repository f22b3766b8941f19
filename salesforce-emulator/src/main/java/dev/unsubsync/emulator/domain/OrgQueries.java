package dev.unsubsync.emulator.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a SOQL query selects from the org's records; the caller ({@link Org}) holds its lock. */
final class OrgQueries {

    private OrgQueries() {
    }

    /** IDs of the records a query selects, in its order; {@code includeDeleted} for {@code queryAll}. */
    static List<String> selectIds(Collection<Map<String, Object>> records, Soql.Query query, boolean includeDeleted) {
        List<String> ids = new ArrayList<>();
        for (Map<String, Object> record : select(records, query, includeDeleted)) {
            ids.add((String) record.get("Id"));
        }
        return ids;
    }

    /** The named fields of each record, in order; a record gone since it was selected yields nulls. */
    static List<List<Object>> project(Map<String, Map<String, Object>> records, List<String> ids, List<String> fields) {
        List<List<Object>> rows = new ArrayList<>(ids.size());
        for (String id : ids) {
            Map<String, Object> record = records.get(id);
            List<Object> row = new ArrayList<>(fields.size());
            for (String field : fields) {
                row.add(record == null ? null : record.get(field));
            }
            rows.add(row);
        }
        return rows;
    }

    /** Rows of a query, each with the selected fields by name; {@code includeDeleted} for {@code queryAll}. */
    static List<Map<String, Object>> query(Collection<Map<String, Object>> records, Soql.Query query, boolean includeDeleted) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> record : select(records, query, includeDeleted)) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (String field : query.fields()) {
                row.put(field, record.get(field));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The records of the query's type, live ones only unless {@code includeDeleted}, filtered, ordered and limited. */
    private static List<Map<String, Object>> select(Collection<Map<String, Object>> records, Soql.Query query, boolean includeDeleted) {
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (Map<String, Object> record : records) {
            if (((String) record.get("Id")).startsWith(query.type().prefix())
                    && (includeDeleted || !Boolean.TRUE.equals(record.get("IsDeleted")))) {
                candidates.add(record);
            }
        }
        return query.select(candidates);
    }
}
