package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.Org;
import dev.unsubsync.emulator.domain.SalesforceException;
import dev.unsubsync.emulator.domain.Soql;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SOQL over REST: {@code query} and {@code queryAll} (the subset {@link Soql} reads, plus {@code COUNT()}, the
 * Organization row and {@code columns=true}), paged through {@code nextRecordsUrl} cursors at the asked batch size.
 */
@Controller("/services/data")
public class QueryController {

    private static final int DEFAULT_BATCH_SIZE = 2000;

    private final Org org;
    private final Map<String, List<Map<String, Object>>> cursors = new ConcurrentHashMap<>();

    public QueryController(Org org) {
        this.org = org;
    }

    @Get(value = "/{version}/query", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> query(@PathVariable String version, @Nullable @QueryValue String q,
            @Nullable @Header("Sforce-Query-Options") String options, @Nullable @QueryValue String columns) {
        if ("true".equalsIgnoreCase(columns)) {
            return QueryColumns.of(q, org.schema());
        }
        return firstPage(version, q, options, false);
    }

    @Get(value = "/{version}/queryAll", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> queryAll(@PathVariable String version, @Nullable @QueryValue String q,
            @Nullable @Header("Sforce-Query-Options") String options) {
        return firstPage(version, q, options, true);
    }

    @Get(value = "/{version}/query/{locator}", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> nextPage(@PathVariable String version, @PathVariable String locator) {
        int dash = locator.lastIndexOf('-');
        List<Map<String, Object>> rows = dash < 0 ? null : cursors.get(locator.substring(0, dash));
        if (rows == null) {
            throw new SalesforceException(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }
        String[] position = locator.substring(dash + 1).split(":");
        int offset;
        int batchSize;
        try {
            offset = Integer.parseInt(position[0]);
            batchSize = position.length > 1 ? Integer.parseInt(position[1]) : DEFAULT_BATCH_SIZE;
        } catch (NumberFormatException e) {
            throw new SalesforceException(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }
        return page(version, locator.substring(0, dash), rows, offset, batchSize);
    }

    private Map<String, Object> firstPage(String version, @Nullable String q, @Nullable String options, boolean includeDeleted) {
        if (q == null) {
            throw new SalesforceException(400, "MALFORMED_QUERY", "q parameter is required");
        }
        Optional<Map<String, Object>> organization = QueryColumns.organizationRow(q);
        if (organization.isPresent()) {
            List<Map<String, Object>> one = List.of(Json.record(version, "Organization", organization.get()));
            return Map.of("totalSize", 1, "done", true, "records", QueryColumns.countsOnly(q) ? List.of() : one);
        }
        Soql.Query query = Soql.parse(q, org.schema());
        if (query.countOnly()) {
            return Map.of("totalSize", org.query(query, includeDeleted).size(), "done", true, "records", List.of());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : org.query(query, includeDeleted)) {
            rows.add(Json.record(version, query.type().name(), row));
        }
        String cursor = "01g" + UUID.randomUUID().toString().replace("-", "").substring(0, 15);
        return page(version, cursor, rows, 0, batchSize(options));
    }

    private Map<String, Object> page(String version, String cursor, List<Map<String, Object>> rows, int offset, int batchSize) {
        int end = Math.min(rows.size(), offset + batchSize);
        boolean done = end >= rows.size();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("totalSize", rows.size());
        body.put("done", done);
        if (done) {
            cursors.remove(cursor);
        } else {
            cursors.put(cursor, rows);
            // The batch size rides in the locator so every page of one cursor has the size the first request asked for.
            String position = batchSize == DEFAULT_BATCH_SIZE ? String.valueOf(end) : end + ":" + batchSize;
            body.put("nextRecordsUrl", "/services/data/" + version + "/query/" + cursor + "-" + position);
        }
        body.put("records", rows.subList(Math.min(offset, rows.size()), end));
        return body;
    }

    private static int batchSize(@Nullable String options) {
        if (options == null) {
            return DEFAULT_BATCH_SIZE;
        }
        for (String option : options.split(",")) {
            String[] pair = option.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("batchSize")) {
                try {
                    int size = Integer.parseInt(pair[1].trim());
                    return Math.max(200, Math.min(DEFAULT_BATCH_SIZE, size));
                } catch (NumberFormatException e) {
                    throw new SalesforceException(400, "INVALID_QUERY_OPTIONS", "batchSize must be a number between 200 and 2000");
                }
            }
        }
        return DEFAULT_BATCH_SIZE;
    }

}
