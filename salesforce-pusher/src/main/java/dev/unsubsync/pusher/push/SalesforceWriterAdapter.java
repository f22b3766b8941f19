package dev.unsubsync.pusher.push;

import dev.unsubsync.pusher.people.PersonRecord;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.RecordResult;
import dev.unsubsync.salesforce.RecordUpdate;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.PersonKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/** The pusher's Salesforce port, served by the shared client. */
@Singleton
public class SalesforceWriterAdapter implements SalesforceWriter {

    private final SalesforceClient client;
    private final DistributionSummary recordsPerCall;
    private final Timer callTime;
    private final DistributionSummary emailsPerLookup;
    private final Counter lookupCalls;

    /**
     * Most bytes of URL-encoded email literals in one lookup query. Salesforce takes a URI (with headers) of up to 16,384
     * bytes; this leaves room for the rest of the query and the headers, and still fits a few hundred emails.
     */
    static final int LOOKUP_BUDGET_BYTES = 10_000;
    /** Runs the Contact and Lead halves of a lookup side by side; each waits on the network only. */
    private static final Executor LOOKUPS = Executors.newVirtualThreadPerTaskExecutor();

    public SalesforceWriterAdapter(SalesforceClient client, MeterRegistry registry) {
        this.client = client;
        this.recordsPerCall = DistributionSummary.builder("unsubsync.salesforce.records.per.call")
                .description("Records per sObject Collections call").register(registry);
        this.callTime = Timer.builder("unsubsync.salesforce.call.duration").description("Collections call round trip").register(registry);
        this.emailsPerLookup = DistributionSummary.builder("unsubsync.salesforce.lookup.emails.per.call")
                .description("Emails asked for in one live lookup query (SOQL Email IN (...))").register(registry);
        this.lookupCalls = Counter.builder("unsubsync.salesforce.lookup.calls")
                .description("Live lookup queries of Contacts and Leads by email (people the directory did not list)").register(registry);
    }

    @Override
    public Outcome<List<RecordResult>> update(List<RecordUpdate> updates) {
        recordsPerCall.record(updates.size());
        return callTime.record(() -> client.update(updates));
    }

    /**
     * A converted Lead's Contact (read with REST: converted Leads can be read, not written), or a merged record's master
     * (read with queryAll: merged records are deleted).
     */
    @Override
    public Outcome<Optional<String>> successor(String objectType, String id) {
        List<Map<String, Object>> rows = new ArrayList<>();
        String fields = objectType.equals("Lead") ? "Id, IsDeleted, MasterRecordId, IsConverted, ConvertedContactId" : "Id, IsDeleted, MasterRecordId";
        Outcome<Long> found = client.query("SELECT " + fields + " FROM " + objectType + " WHERE Id = '" + id + "'", true, rows::add);
        if (!(found instanceof Outcome.Ok<Long>)) {
            return found.retyped();
        }
        if (rows.isEmpty()) {
            return new Outcome.Ok<>(Optional.empty());
        }
        Map<String, Object> row = rows.getFirst();
        if (Boolean.TRUE.equals(row.get("IsConverted")) && row.get("ConvertedContactId") instanceof String contact) {
            return new Outcome.Ok<>(Optional.of(contact));
        }
        if (row.get("MasterRecordId") instanceof String master) {
            return new Outcome.Ok<>(Optional.of(master));
        }
        return new Outcome.Ok<>(Optional.empty());
    }

    /**
     * Contacts, then Leads, whose Email is one of {@code emails}: each address asked for as received, as its person key
     * and with its domain in Unicode (Salesforce compares case-insensitively but keeps whichever form was typed), packed
     * into as few {@code WHERE Email IN (...)} queries as the URI limit allows.
     */
    @Override
    public Outcome<Map<String, List<PersonRecord>>> findByEmail(Collection<String> emails) {
        Set<String> wanted = new LinkedHashSet<>();
        Set<String> literals = new LinkedHashSet<>();
        for (String email : emails) {
            String key;
            try {
                key = PersonKey.of(email);
            } catch (IllegalArgumentException e) {
                continue;
            }
            wanted.add(key);
            literals.add(email.trim());
            literals.add(key);
            int at = key.lastIndexOf('@');
            if (at > 0) {
                literals.add(key.substring(0, at + 1) + PersonKey.unicodeDomain(key.substring(at + 1)));
            }
        }
        Map<String, List<PersonRecord>> found = new LinkedHashMap<>();
        for (List<String> chunk : chunks(literals)) {
            String in = String.join(", ", chunk.stream().map(SalesforceWriterAdapter::soqlString).toList());
            // Contacts and Leads asked at once: a live lookup adds one round trip to the batch, not two.
            Map<String, CompletableFuture<Outcome<List<Map<String, Object>>>>> asked = new LinkedHashMap<>();
            for (String objectType : List.of("Contact", "Lead")) {
                String fields = objectType.equals("Lead") ? "Id, Email, IsConverted, ConvertedContactId" : "Id, Email";
                emailsPerLookup.record(chunk.size());
                lookupCalls.increment();
                asked.put(objectType, CompletableFuture.supplyAsync(() -> {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    Outcome<Long> read = client.query("SELECT " + fields + " FROM " + objectType + " WHERE Email IN (" + in + ")", false, rows::add);
                    return read.map(count -> rows);
                }, LOOKUPS));
            }
            for (var answer : asked.values()) {
                Outcome<List<Map<String, Object>>> read = answer.join();
                if (!(read instanceof Outcome.Ok<List<Map<String, Object>>>(List<Map<String, Object>> rows))) {
                    return read.retyped();
                }
                for (Map<String, Object> row : rows) {
                    if (!(row.get("Email") instanceof String email) || !(row.get("Id") instanceof String id)) {
                        continue;
                    }
                    String key = PersonKey.of(email);
                    if (!wanted.contains(key)) {
                        continue;
                    }
                    try {
                        PersonRecord target = PersonRecord.writable(id, Boolean.TRUE.equals(row.get("IsConverted")),
                                row.get("ConvertedContactId") instanceof String contact ? contact : null);
                        List<PersonRecord> records = found.computeIfAbsent(key, k -> new ArrayList<>());
                        if (!records.contains(target)) {
                            records.add(target);
                        }
                    } catch (IllegalArgumentException e) {
                        // Not a Contact or Lead ID: nothing this service can write.
                    }
                }
            }
        }
        return new Outcome.Ok<>(found);
    }

    /** The literals in groups that each fit {@link #LOOKUP_BUDGET_BYTES} once URL-encoded. */
    static List<List<String>> chunks(Collection<String> literals) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int bytes = 0;
        for (String literal : literals) {
            // Quotes and the separator: %27...%27%2C%20
            int size = URLEncoder.encode(soqlString(literal), StandardCharsets.UTF_8).length() + 6;
            if (!current.isEmpty() && bytes + size > LOOKUP_BUDGET_BYTES) {
                chunks.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(literal);
            bytes += size;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    /** A SOQL string literal: quoted, with backslashes and quotes escaped (an address may hold an apostrophe). */
    public static String soqlString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
