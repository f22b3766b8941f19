package dev.unsubsync.capture.api;

import dev.unsubsync.events.UnsubscribeRecorded;
import dev.unsubsync.kit.http.ApiFilter;
import dev.unsubsync.kit.http.Problem;
import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.kit.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code POST /v1/unsubscribes}: records one unsubscribe; 202 once Kafka holds it. */
@Controller("/v1/unsubscribes")
@SerdeImport(UnsubscribeRequest.class)
@SerdeImport(FieldError.class)
// Waiting for the broker's acknowledgement blocks: keep it off the event loop.
@ExecuteOn(TaskExecutors.BLOCKING)
public class UnsubscribeController {

    /** The answer to an accepted unsubscribe. */
    @Serdeable
    public record Accepted(String eventId, String email, @Nullable String salesforceId, String recordedAt) {
    }

    private final UnsubscribeRecorder recorder;

    public UnsubscribeController(UnsubscribeRecorder recorder) {
        this.recorder = recorder;
    }

    /** A batch as an API client sends it. */
    @Serdeable
    public record BatchRequest(@Nullable List<UnsubscribeRequest> unsubscribes) {
    }

    /** One item's answer inside a batch: 202 with the event id, 400 with the problems, or 503 when not durable. */
    @Serdeable
    public record ItemResult(int index, int status, @Nullable String eventId, @Nullable List<FieldError> errors, @Nullable String detail) {
    }

    /** The answer to a batch. */
    @Serdeable
    public record BatchResult(int accepted, int invalid, int notDurable, List<ItemResult> results) {
    }

    /**
     * {@code POST /v1/unsubscribes/batch}: up to 500 unsubscribes, one result per item. {@code 200} when every item is
     * either accepted or invalid; {@code 503} (with the same per-item results) when Kafka did not take some, so the sender
     * retries just those.
     */
    @Operation(summary = "Record up to 500 unsubscribes, one result per item", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "Every item is either accepted (202 in its result) or invalid (400 with its errors)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = BatchResult.class)))
    @ApiResponse(responseCode = "503", description = "Kafka did not take some items (503 in their results): send those again; the others are recorded",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = BatchResult.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @RequiresScope(Scope.INGEST)
    @Post(value = "/batch", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> recordBatch(HttpRequest<?> http, @Nullable @Body BatchRequest request) {
        if (request == null || request.unsubscribes() == null) {
            return Problem.response(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid batch",
                    "the request body must be {\"unsubscribes\": [ ... ]}", List.of());
        }
        String origin = http.getAttribute(ApiFilter.CALLER, String.class).orElse("api");
        List<ItemResult> results = new ArrayList<>();
        int accepted = 0;
        int invalid = 0;
        int notDurable = 0;
        for (UnsubscribeRecorder.ItemOutcome outcome : recorder.recordAll(request.unsubscribes(), origin)) {
            if (outcome.recorded() != null) {
                accepted++;
                results.add(new ItemResult(outcome.index(), 202, outcome.recorded().getEventId(), null, null));
            } else if (outcome.notDurable() != null) {
                notDurable++;
                results.add(new ItemResult(outcome.index(), 503, null, null, outcome.notDurable()));
            } else {
                invalid++;
                results.add(new ItemResult(outcome.index(), 400, null, outcome.errors(), null));
            }
        }
        BatchResult body = new BatchResult(accepted, invalid, notDurable, results);
        return notDurable > 0 ? HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5").body(body) : HttpResponse.ok(body);
    }

    /** The answer to a recorded removal. */
    @Serdeable
    public record Removed(String eventId, String email, String removedBy, String recordedAt) {
    }

    /**
     * {@code DELETE /v1/unsubscribes/{person}}: an admin removes a person's unsubscribe on the sales side. Never pushed to
     * Salesforce; the admin unchecks it there separately, or the nightly sync brings it back.
     */
    @Operation(summary = "Remove a person's unsubscribe on the sales side (never pushed to Salesforce)", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "202", description = "The removal is recorded",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Removed.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @RequiresScope(Scope.ADMIN)
    @Delete(value = "/{person}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> remove(HttpRequest<?> http, @PathVariable String person,
            @Nullable @QueryValue String reason) {
        String origin = http.getAttribute(ApiFilter.CALLER, String.class).orElse("api");
        var removed = recorder.remove(person, reason, origin);
        return HttpResponse.status(HttpStatus.ACCEPTED)
                .body(new Removed(removed.getEventId(), removed.getEmail(), removed.getRemovedBy(), removed.getRecordedAt().toString()));
    }

    @Operation(summary = "Record one unsubscribe; 202 once Kafka holds it", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "202", description = "Recorded durably. With an Idempotency-Key sent again, the first answer, marked Idempotent-Replayed: true",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Accepted.class)))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "429", ref = "#/components/responses/TooManyRequests")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @RequiresScope(Scope.INGEST)
    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    public CompletableFuture<HttpResponse<?>> record(HttpRequest<?> http, @Nullable @Body UnsubscribeRequest request) {
        if (request == null) {
            return CompletableFuture.completedFuture(Problem.response(HttpStatus.BAD_REQUEST, "invalid-request",
                    "Invalid unsubscribe", "the request body must be a JSON object", List.of()));
        }
        String origin = http.getAttribute(ApiFilter.CALLER, String.class).orElse("api");
        // No thread waits for Kafka: the answer is sent from the producer's acknowledgement.
        return recorder.recordAsync(request, origin, http.getHeaders().get("Idempotency-Key")).thenApply(recorded -> {
            UnsubscribeRecorded event = recorded.event();
            var response = HttpResponse.status(HttpStatus.ACCEPTED)
                    .body(new Accepted(event.getEventId(), event.getEmail(), event.getSalesforceId(), event.getRecordedAt().toString()));
            return recorded.replayed() ? response.header("Idempotent-Replayed", "true") : response;
        });
    }

}
