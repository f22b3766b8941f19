package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.BulkJobs;
import dev.unsubsync.emulator.domain.BulkQueryJob;
import dev.unsubsync.emulator.domain.Identity;
import dev.unsubsync.emulator.domain.IngestJob;
import dev.unsubsync.emulator.domain.SalesforceException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.json.JsonMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Bulk API 2.0: query jobs with CSV results paged by locator, and ingest jobs fed with CSV. */
@Controller("/services/data/{version}/jobs")
public class BulkController {

    private static final MediaType CSV = MediaType.of("text/csv");
    private static final String INTEGRATION_USER = Identity.USER_ID;

    private final BulkJobs jobs;
    private final JsonMapper json;

    public BulkController(BulkJobs jobs, JsonMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    /**
     * Creates a query job. The answer is the job's info in JSON whatever the request's {@code Accept} says (clients ask
     * for {@code text/csv}, the format of the results to come, and Salesforce answers the job info in JSON anyway).
     */
    @Post(value = "/query", consumes = MediaType.APPLICATION_JSON, produces = {MediaType.APPLICATION_JSON, "text/csv", MediaType.ALL})
    public HttpResponse<Map<String, Object>> createQuery(@PathVariable String version, @Body String body) {
        Map<String, Object> request = Json.object(json, body);
        Object query = request.get("query");
        if (!(query instanceof String soql) || soql.isBlank()) {
            throw new SalesforceException(400, "INVALIDJOB", "query is required");
        }
        String operation = request.get("operation") == null ? "query" : String.valueOf(request.get("operation"));
        return HttpResponse.ok(info(jobs.createQuery(operation, soql, version), false)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @Get(value = "/query", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> listQueries(@PathVariable String version) {
        return Map.of("done", true, "records", jobs.queryJobs().stream().map(job -> info(job, false)).toList(), "nextRecordsUrl", "");
    }

    @Get(value = "/query/{id}", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> queryStatus(@PathVariable String version, @PathVariable String id) {
        return info(jobs.queryStatus(id), true);
    }

    @Get(value = "/query/{id}/results", produces = "text/csv")
    public HttpResponse<String> results(@PathVariable String version, @PathVariable String id,
            @Nullable @QueryValue String locator, @Nullable @QueryValue Integer maxRecords) {
        BulkJobs.Page page = jobs.results(id, locator, maxRecords);
        return HttpResponse.ok(page.csv()).contentType(CSV)
                .header("Sforce-Locator", page.nextLocator().orElse("null"))
                .header("Sforce-NumberOfRecords", String.valueOf(page.records()));
    }

    @Patch(value = "/query/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> abortQuery(@PathVariable String version, @PathVariable String id, @Body String body) {
        Object state = Json.object(json, body).get("state");
        if (!"Aborted".equals(state)) {
            throw new SalesforceException(400, "INVALIDREQUEST", "a query job can only be set to Aborted");
        }
        return info(jobs.abortQuery(id), true);
    }

    @Delete("/query/{id}")
    public HttpResponse<?> deleteQuery(@PathVariable String version, @PathVariable String id) {
        jobs.deleteQuery(id);
        return HttpResponse.noContent();
    }

    @Post(value = "/ingest", consumes = MediaType.APPLICATION_JSON, produces = {MediaType.APPLICATION_JSON, "text/csv", MediaType.ALL})
    public HttpResponse<Map<String, Object>> createIngest(@PathVariable String version, @Body String body) {
        Map<String, Object> request = Json.object(json, body);
        Object contentType = request.getOrDefault("contentType", "CSV");
        if (!"CSV".equals(contentType)) {
            throw new SalesforceException(400, "INVALIDJOB", "contentType must be CSV");
        }
        return HttpResponse.ok(info(jobs.createIngest((String) request.get("object"), (String) request.get("operation"), version), false))
                .contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    @Get(value = "/ingest", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> listIngest(@PathVariable String version) {
        return Map.of("done", true, "records", jobs.ingestJobs().stream().map(job -> info(job, false)).toList(), "nextRecordsUrl", "");
    }

    @Put(value = "/ingest/{id}/batches", consumes = {"text/csv", MediaType.TEXT_PLAIN})
    public HttpResponse<?> upload(@PathVariable String version, @PathVariable String id, @Body String csv) {
        jobs.upload(id, csv);
        return HttpResponse.status(HttpStatus.CREATED);
    }

    @Patch(value = "/ingest/{id}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> changeIngest(@PathVariable String version, @PathVariable String id, @Body String body) {
        BulkJobs.State state = jobs.changeIngestState(id, String.valueOf(Json.object(json, body).get("state")));
        Map<String, Object> info = info(jobs.ingestStatus(id), true);
        // The answer names the state the job was moved to, as Salesforce's does, even if processing already moved on.
        info.put("state", state.name());
        return info;
    }

    @Get(value = "/ingest/{id}", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> ingestStatus(@PathVariable String version, @PathVariable String id) {
        return info(jobs.ingestStatus(id), true);
    }

    @Get(value = "/ingest/{id}/successfulResults", produces = "text/csv")
    public HttpResponse<String> successful(@PathVariable String version, @PathVariable String id) {
        return HttpResponse.ok(jobs.successfulResults(id)).contentType(CSV);
    }

    @Get(value = "/ingest/{id}/failedResults", produces = "text/csv")
    public HttpResponse<String> failed(@PathVariable String version, @PathVariable String id) {
        return HttpResponse.ok(jobs.failedResults(id)).contentType(CSV);
    }

    @Get(value = "/ingest/{id}/unprocessedrecords", produces = "text/csv")
    public HttpResponse<String> unprocessed(@PathVariable String version, @PathVariable String id) {
        return HttpResponse.ok(jobs.unprocessedRecords(id)).contentType(CSV);
    }

    private static Map<String, Object> info(BulkQueryJob job, boolean detail) {
        Map<String, Object> info = common(job.id(), job.operation(), job.object(), job.created(), job.modified(), job.state().name(), job.apiVersion());
        if (detail) {
            info.put("numberRecordsProcessed", job.state() == BulkJobs.State.JobComplete ? job.size() : 0);
            info.put("retries", 0);
            info.put("totalProcessingTime", 0);
        }
        return info;
    }

    private static Map<String, Object> info(IngestJob job, boolean detail) {
        Map<String, Object> info = common(job.id(), job.operation(), job.object(), job.created(), job.modified(), job.state().name(), job.apiVersion());
        info.put("contentUrl", "services/data/" + job.apiVersion() + "/jobs/ingest/" + job.id() + "/batches");
        info.put("jobType", "V2Ingest");
        if (detail) {
            info.put("numberRecordsProcessed", job.processed());
            info.put("numberRecordsFailed", job.failures());
            info.put("retries", 0);
            info.put("totalProcessingTime", 0);
            info.put("apiActiveProcessingTime", 0);
            info.put("apexProcessingTime", 0);
            job.errorMessage().ifPresent(message -> info.put("errorMessage", message));
        }
        return info;
    }

    private static Map<String, Object> common(String id, String operation, String object, Instant created, Instant modified, String state, String version) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", id);
        info.put("operation", operation);
        info.put("object", object);
        info.put("createdById", INTEGRATION_USER);
        info.put("createdDate", Json.DATE_TIME.format(created));
        info.put("systemModstamp", Json.DATE_TIME.format(modified));
        info.put("state", state);
        info.put("concurrencyMode", "Parallel");
        info.put("contentType", "CSV");
        info.put("apiVersion", Double.parseDouble(version.substring(1)));
        info.put("lineEnding", "LF");
        info.put("columnDelimiter", "COMMA");
        return info;
    }

}
