package dev.unsubsync.emulator.domain;

import dev.unsubsync.schemas.SalesforceId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bulk API 2.0 jobs: query jobs (a SOQL snapshot whose results are read as CSV pages with a locator) and ingest jobs
 * (CSV uploaded, closed, processed row by row through the same rules as REST updates, with successful and failed
 * results). A query job keeps only the selected record IDs and renders each page when asked, so memory does not grow
 * with the rows streamed. An ingest job's rows are processed by {@link BulkIngest}.
 */
public final class BulkJobs {

    /** Default rows per results page when the client does not ask for {@code maxRecords}. */
    public static final int DEFAULT_MAX_RECORDS = 50_000;

    /** Job states, named as Salesforce names them. */
    public enum State { Open, UploadComplete, InProgress, JobComplete, Failed, Aborted }

    /** One page of query results. */
    public record Page(String csv, int records, Optional<String> nextLocator) {
    }

    private final Org org;
    private final Clock clock;
    private final Map<String, BulkQueryJob> queryJobs = new ConcurrentHashMap<>();
    private final Map<String, IngestJob> ingestJobs = new ConcurrentHashMap<>();
    private long nextNumber = 1;

    public BulkJobs(Org org, Clock clock) {
        this.org = org;
        this.clock = clock;
    }

    /** Creates a query job ({@code query} or {@code queryAll}); the snapshot is taken now. */
    public BulkQueryJob createQuery(String operation, String soql, String apiVersion) {
        if (!"query".equals(operation) && !"queryAll".equals(operation)) {
            throw new SalesforceException(400, "INVALIDJOB", "operation must be query or queryAll, was " + operation);
        }
        Soql.Query query = Soql.parse(soql, org.schema());
        if (query.countOnly()) {
            throw new SalesforceException(400, "API_ERROR",
                    "Aggregate queries are not supported by Bulk API 2.0 query jobs: COUNT() is answered by REST query");
        }
        List<String> ids = org.selectIds(query, operation.equals("queryAll"));
        BulkQueryJob job = new BulkQueryJob(newId(), operation, query, apiVersion, clock.instant(), ids);
        queryJobs.put(job.id, job);
        return job;
    }

    /** A query job's status. The first look after creation sees it in progress, the next sees it complete. */
    public BulkQueryJob queryStatus(String id) {
        BulkQueryJob job = queryJob(id);
        if (job.state == State.UploadComplete || job.state == State.InProgress) {
            job.state = job.polled ? State.JobComplete : State.InProgress;
            job.polled = true;
            job.modified = clock.instant();
        }
        return job;
    }

    /** A page of results: up to {@code maxRecords} rows from {@code locator} (null for the first page). */
    public Page results(String id, String locator, Integer maxRecords) {
        BulkQueryJob job = queryJob(id);
        if (job.state == State.Aborted || job.state == State.Failed) {
            throw new SalesforceException(400, "INVALIDJOBSTATE", "Job " + id + " is " + job.state + "; it has no results");
        }
        job.state = State.JobComplete;
        int size = maxRecords == null ? DEFAULT_MAX_RECORDS : maxRecords;
        if (size < 1) {
            throw new SalesforceException(400, "INVALIDREQUEST", "maxRecords must be a positive number");
        }
        int from = locator == null || locator.isEmpty() ? 0 : decodeLocator(locator);
        int to = Math.min(job.ids.size(), from + size);
        List<String> fields = job.query.fields();
        StringBuilder csv = new StringBuilder(Math.max(64, (to - from) * 48));
        Csv.appendRow(csv, fields);
        for (List<Object> row : org.project(job.ids.subList(from, to), fields)) {
            List<String> values = new ArrayList<>(row.size());
            for (Object value : row) {
                values.add(render(value));
            }
            Csv.appendRow(csv, values);
        }
        return new Page(csv.toString(), to - from, to < job.ids.size() ? Optional.of(encodeLocator(to)) : Optional.empty());
    }

    /** Aborts a query job. */
    public BulkQueryJob abortQuery(String id) {
        BulkQueryJob job = queryJob(id);
        job.state = State.Aborted;
        job.modified = clock.instant();
        return job;
    }

    public void deleteQuery(String id) {
        if (queryJobs.remove(id) == null) {
            throw new SalesforceException(404, "NOT_FOUND", "Invalid job id: " + id);
        }
    }

    public List<BulkQueryJob> queryJobs() {
        return List.copyOf(queryJobs.values());
    }

    /** Creates an ingest job ({@code insert} or {@code update}) awaiting CSV. */
    public IngestJob createIngest(String object, String operation, String apiVersion) {
        SObjectType type = org.schema().type(object == null ? "" : object)
                .orElseThrow(() -> new SalesforceException(400, "INVALIDJOB", "InvalidJob : Unable to find object: " + object));
        if (!"update".equals(operation) && !"insert".equals(operation)) {
            throw new SalesforceException(400, "INVALIDJOB", "InvalidJob : operation " + operation + " is not supported here; use insert or update");
        }
        IngestJob job = new IngestJob(newId(), operation, type, apiVersion, clock.instant());
        ingestJobs.put(job.id, job);
        return job;
    }

    /** Adds CSV to an open job. */
    public void upload(String id, String csv) {
        IngestJob job = ingestJob(id);
        synchronized (job.uploaded) {
            if (job.state != State.Open) {
                throw new SalesforceException(409, "INVALIDJOBSTATE", "Job " + id + " is " + job.state + "; data can only be uploaded while it is Open");
            }
            job.uploaded.append(csv);
            if (!csv.endsWith("\n")) {
                job.uploaded.append('\n');
            }
        }
    }

    /**
     * Moves a job to {@code UploadComplete} (then processes it in the background) or {@code Aborted}. Answers the state
     * the job was moved to, which is what Salesforce reports in its answer even if processing has moved on since.
     */
    public State changeIngestState(String id, String state) {
        IngestJob job = ingestJob(id);
        synchronized (job.uploaded) {
            if ("Aborted".equals(state)) {
                job.state = State.Aborted;
            } else if ("UploadComplete".equals(state)) {
                if (job.state != State.Open) {
                    throw new SalesforceException(409, "INVALIDJOBSTATE", "Job " + id + " is " + job.state + "; only an Open job can be closed");
                }
                job.state = State.UploadComplete;
                job.modified = clock.instant();
                // Salesforce processes a closed job in the background; clients poll its state.
                Thread.ofVirtual().name("ingest-" + id).start(() -> process(job));
                return State.UploadComplete;
            } else {
                throw new SalesforceException(400, "INVALIDREQUEST", "state must be UploadComplete or Aborted, was " + state);
            }
            job.modified = clock.instant();
            return job.state;
        }
    }

    public IngestJob ingestStatus(String id) {
        return ingestJob(id);
    }

    public String successfulResults(String id) {
        IngestJob job = ingestJob(id);
        synchronized (job.uploaded) {
            return job.successful.toString();
        }
    }

    public String failedResults(String id) {
        IngestJob job = ingestJob(id);
        synchronized (job.uploaded) {
            return job.failed.toString();
        }
    }

    public String unprocessedRecords(String id) {
        IngestJob job = ingestJob(id);
        synchronized (job.uploaded) {
            return job.unprocessed.toString();
        }
    }

    public List<IngestJob> ingestJobs() {
        return List.copyOf(ingestJobs.values());
    }

    private void process(IngestJob job) {
        synchronized (job.uploaded) {
            BulkIngest.process(org, job);
        }
    }

    /** Bulk results write dateTimes as {@code 2024-05-01T17:03:08.000Z}. */
    private static final DateTimeFormatter BULK_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static String render(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Instant instant) {
            return BULK_DATE_TIME.format(instant);
        }
        return value.toString();
    }

    private BulkQueryJob queryJob(String id) {
        BulkQueryJob job = queryJobs.get(id);
        if (job == null) {
            throw new SalesforceException(404, "NOT_FOUND", "Invalid job id: " + id);
        }
        return job;
    }

    private IngestJob ingestJob(String id) {
        IngestJob job = ingestJobs.get(id);
        if (job == null) {
            throw new SalesforceException(404, "NOT_FOUND", "Invalid job id: " + id);
        }
        return job;
    }

    private synchronized String newId() {
        return SalesforceId.of("750", String.format("Dn%010d", nextNumber++)).to18();
    }

    private static String encodeLocator(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.valueOf(offset).getBytes(StandardCharsets.US_ASCII));
    }

    private static int decodeLocator(String locator) {
        try {
            return Integer.parseInt(new String(Base64.getUrlDecoder().decode(locator), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new SalesforceException(400, "INVALIDLOCATOR", "Invalid locator: " + locator);
        }
    }
}
