package dev.unsubsync.emulator.domain;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An ingest job's processing, as Bulk API 2.0 does it: the uploaded CSV's header names the fields (an unknown one fails
 * the job), each row is an insert or an update through the org's own rules (as a REST write), and lands in the
 * successful or the failed results with its ID and error.
 */
final class BulkIngest {

    private static final Object INVALID = new Object();

    private BulkIngest() {
    }

    /** Processes what was uploaded to {@code job}, row by row, into {@code org}; the caller holds the job's upload. */
    static void process(Org org, IngestJob job) {
        List<List<String>> rows;
        try {
            rows = Csv.parse(job.uploaded.toString());
        } catch (IllegalArgumentException e) {
            fail(job, "InvalidBatch : " + e.getMessage());
            return;
        }
        if (rows.isEmpty()) {
            fail(job, "InvalidBatch : no data uploaded");
            return;
        }
        List<String> header = rows.getFirst();
        List<FieldDef> columns = new ArrayList<>();
        int idColumn = -1;
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            if (name.equalsIgnoreCase("Id")) {
                idColumn = i;
                columns.add(null);
                continue;
            }
            Optional<FieldDef> field = job.type.field(name);
            if (field.isEmpty()) {
                fail(job, "InvalidBatch : Field name not found : " + name);
                return;
            }
            columns.add(field.get());
        }
        if (job.operation.equals("update") && idColumn < 0) {
            fail(job, "InvalidBatch : Id column is required for update");
            return;
        }
        List<String> successHeader = new ArrayList<>(List.of("sf__Id", "sf__Created"));
        successHeader.addAll(header);
        List<String> failHeader = new ArrayList<>(List.of("sf__Id", "sf__Error"));
        failHeader.addAll(header);
        Csv.appendRow(job.successful, successHeader);
        Csv.appendRow(job.failed, failHeader);
        Csv.appendRow(job.unprocessed, header);
        job.state = BulkJobs.State.InProgress;
        for (List<String> row : rows.subList(1, rows.size())) {
            Map<String, Object> fields = new LinkedHashMap<>();
            RecordError error = null;
            for (int i = 0; i < columns.size() && i < row.size(); i++) {
                FieldDef field = columns.get(i);
                String raw = row.get(i);
                if (field == null || raw.isEmpty()) {
                    continue;
                }
                Object value = raw.equals("#N/A") ? null : convert(field, raw);
                if (value == INVALID) {
                    error = new RecordError("INVALID_FIELD", "invalid value for " + field.name() + ": " + raw, List.of(field.name()));
                    break;
                }
                fields.put(field.name(), value);
            }
            String id = idColumn >= 0 && idColumn < row.size() ? row.get(idColumn) : "";
            boolean created = false;
            if (error == null) {
                if (job.operation.equals("update")) {
                    error = org.update(job.type, id, fields).orElse(null);
                } else {
                    try {
                        id = org.create(job.type, fields);
                        created = true;
                    } catch (SalesforceException e) {
                        error = new RecordError(e.errorCode(), e.getMessage(), e.fields());
                    }
                }
            }
            List<String> out = new ArrayList<>();
            out.add(id);
            out.add(error == null ? String.valueOf(created) : error.statusCode() + ":" + error.message() + ":" + String.join(",", error.fields()) + "--");
            out.addAll(row);
            Csv.appendRow(error == null ? job.successful : job.failed, out);
            job.processed++;
            if (error != null) {
                job.failures++;
            }
        }
        job.state = BulkJobs.State.JobComplete;
    }

    private static Object convert(FieldDef field, String raw) {
        if (field.type().equals("boolean")) {
            String lower = raw.toLowerCase(Locale.ROOT);
            return lower.equals("true") || lower.equals("1") ? Boolean.TRUE : lower.equals("false") || lower.equals("0") ? Boolean.FALSE : INVALID;
        }
        return raw;
    }

    private static void fail(IngestJob job, String message) {
        job.state = BulkJobs.State.Failed;
        job.errorMessage = message;
    }
}
