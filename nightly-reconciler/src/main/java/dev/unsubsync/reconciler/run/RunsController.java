package dev.unsubsync.reconciler.run;

import dev.unsubsync.events.ReconcileRun;
import dev.unsubsync.events.RunPhase;
import dev.unsubsync.events.RunState;
import dev.unsubsync.events.RunTrigger;
import dev.unsubsync.kit.http.ApiFilter;
import dev.unsubsync.kit.http.Problem;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.kit.security.Scope;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * {@code /v1/runs}: start a run now, and see every run's state, progress and report. Any instance answers; the leading
 * instance runs.
 */
@Controller("/v1/runs")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RunsController {

    private final Runs runs;
    private final RunCoordinator coordinator;
    private final SettingsView settings;
    private final Clock clock;

    public RunsController(Runs runs, RunCoordinator coordinator, SettingsView settings, Clock clock) {
        this.runs = runs;
        this.coordinator = coordinator;
        this.settings = settings;
        this.clock = clock;
    }

    /** A run as the API shows it: its state, its progress and, once it has them, its counts. */
    @Serdeable
    public record RunView(String runId, String trigger, String state, String phase, int attempt, @Nullable String requestedBy,
            Instant requestedAt, @Nullable Instant startedAt, @Nullable Instant endedAt, long processed, long total,
            double shareDone, @Nullable String message, Report report) {

        static RunView of(ReconcileRun run) {
            return new RunView(run.getRunId(), run.getTrigger().name(), run.getState().name(), run.getPhase().name(), run.getAttempt(),
                    run.getRequestedBy(), run.getRequestedAt(), run.getStartedAt(), run.getEndedAt(), run.getProcessed(), run.getTotal(),
                    share(run), run.getMessage(), new Report(run.getSalesforceOptedOut(), run.getSalesSideUnsubscribes(), run.getInSync(),
                            run.getToSalesforce(), run.getWrittenToSalesforce(), run.getToSalesSide(), run.getRecordedOnSalesSide(), run.getSkipped(),
                            run.getFailed(), run.getApiCallsUsed(), run.getSnapshotMillis(), run.getDiffMillis(), run.getApplyMillis()));
        }

        /** Share of the whole run done: the three phases count a third each, within a phase the records done. */
        static double share(ReconcileRun run) {
            if (run.getState() == RunState.SUCCEEDED || run.getPhase() == RunPhase.DONE) {
                return 1.0;
            }
            int phase = switch (run.getPhase()) {
                case SNAPSHOT -> 0;
                case DIFF -> 1;
                case APPLY -> 2;
                default -> -1;
            };
            if (phase < 0) {
                return 0.0;
            }
            double within = run.getTotal() > 0 ? Math.min(1.0, (double) run.getProcessed() / run.getTotal()) : 0.0;
            return Math.round((phase + within) / 3.0 * 1000) / 1000.0;
        }
    }

    /** The counts of a run report. */
    @Serdeable
    public record Report(long salesforceOptedOut, long salesSideUnsubscribes, long inSync, long toSalesforce, long writtenToSalesforce,
            long toSalesSide, long recordedOnSalesSide, Map<String, Long> skipped, Map<String, Long> failed, long apiCallsUsed,
            long snapshotMillis, long diffMillis, long applyMillis) {
    }

    /** The list of runs and what comes next. */
    @Serdeable
    public record RunList(boolean nightlySyncEnabled, Instant nextScheduledRun, String nightlyTime, String nightlyZone, List<RunView> runs) {
    }

    @Operation(summary = "Start a nightly run now", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "202", description = "Requested; Location is the run",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RunView.class)))
    @ApiResponse(responseCode = "409", description = "The nightly sync is disabled, or a run is in progress (runs never overlap)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "503", ref = "#/components/responses/Unavailable")
    @RequiresScope(Scope.ADMIN)
    @Post
    public HttpResponse<?> start(HttpRequest<?> request) throws InterruptedException {
        if (!settings.awaitCaughtUp(Duration.ZERO)) {
            // The defaults are not the settings: a run started on them could be one the settings forbid.
            return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "settings-not-read", "Settings not read yet",
                    "the stored settings have not been read yet (is Kafka reachable?); retry in a moment").header("Retry-After", "5");
        }
        if (!settings.current().getNightlySyncEnabled()) {
            return Problem.response(HttpStatus.CONFLICT, "nightly-sync-disabled", "Nightly sync is disabled",
                    "the nightly sync is disabled in the settings, so no run is started; enable it first "
                            + "(PUT /v1/settings on unsubscribe-capture with \"nightlySyncEnabled\": true)");
        }
        Optional<ReconcileRun> going = runs.unfinished().stream().findFirst();
        if (going.isPresent()) {
            ReconcileRun run = going.get();
            return Problem.response(HttpStatus.CONFLICT, "run-in-progress", "A run is already in progress",
                    "run " + run.getRunId() + " is " + run.getState() + " (phase " + run.getPhase() + "); runs never overlap. Follow it at /v1/runs/"
                            + run.getRunId());
        }
        Instant now = clock.instant();
        String caller = request.getAttribute(ApiFilter.CALLER, String.class).orElse("api");
        ReconcileRun run;
        try {
            run = runs.publish(ReconcileRun.newBuilder().setRunId(RunCoordinator.newRunId(now)).setTrigger(RunTrigger.MANUAL)
                    .setState(RunState.REQUESTED).setPhase(RunPhase.PENDING).setRequestedAt(now).setRequestedBy(caller).build());
        } catch (ExecutionException | TimeoutException e) {
            return Problem.response(HttpStatus.SERVICE_UNAVAILABLE, "not-durable", "Run not requested",
                    "Kafka did not take the request (" + e.getMessage() + "); nothing was started: retry in a moment").header("Retry-After", "5");
        }
        return HttpResponse.accepted(URI.create("/v1/runs/" + run.getRunId())).body(RunView.of(run));
    }

    @Operation(summary = "The latest runs, newest first, and when the next one is scheduled", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The runs",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RunList.class)))
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @RequiresScope(Scope.READ)
    @Get
    public RunList list(@Parameter(description = "how many runs, newest first: 1 to 500, default 50") @Nullable @QueryValue Integer limit) {
        var in = settings.current();
        int count = limit == null ? 50 : Math.max(1, Math.min(limit, 500));
        List<RunView> views = runs.all().stream().limit(count).map(RunView::of).toList();
        return new RunList(in.getNightlySyncEnabled(), coordinator.nextScheduled(), in.getNightlyTime(), in.getNightlyZone(), views);
    }

    @Operation(summary = "One run with its report", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The run",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RunView.class)))
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @RequiresScope(Scope.READ)
    @Get("/{runId}")
    public HttpResponse<?> get(@PathVariable String runId) {
        return runs.get(runId).<HttpResponse<?>>map(run -> HttpResponse.ok(RunView.of(run)))
                .orElseGet(() -> Problem.response(HttpStatus.NOT_FOUND, "run-not-found", "No such run", "no run has the id " + runId));
    }
}
