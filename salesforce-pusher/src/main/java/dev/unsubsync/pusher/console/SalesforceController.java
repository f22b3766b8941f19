package dev.unsubsync.pusher.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.unsubsync.events.SyncSettings;
import dev.unsubsync.kit.http.Problem;
import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.kit.security.RequiresScope;
import dev.unsubsync.kit.security.Scope;
import dev.unsubsync.pusher.fields.FieldCheck;
import dev.unsubsync.pusher.people.PeopleDirectory;
import dev.unsubsync.pusher.push.SalesforceWriterAdapter;
import dev.unsubsync.salesforce.Describe;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.schemas.InvalidSalesforceIdException;
import dev.unsubsync.schemas.PersonKey;
import dev.unsubsync.schemas.SalesforceId;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code /v1/salesforce}: what the admin console shows of Salesforce, from live calls made with the pusher's own
 * credentials: whether each opt-out field exists and is writable on Contact and Lead (describe), fields found by label,
 * and the daily API allowance left.
 */
@Controller("/v1/salesforce")
@RequiresScope(Scope.READ)
@ExecuteOn(TaskExecutors.BLOCKING)
public class SalesforceController {

    /** The standard opt-out field. */
    static final String EMAIL_OPT_OUT = "HasOptedOutOfEmail";

    /** One opt-out field on one object, as describe shows it to the integration user. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record FieldStatus(String object, String role, String apiName, boolean selected, boolean exists, boolean updateable,
            @Nullable String label, @Nullable String problem, List<String> steps) {
    }

    /** The field check: every opt-out field on Contact and Lead, and whether all the selected ones can be written. */
    @Serdeable
    public record FieldReport(Instant checkedAt, boolean selectedFieldsWritable, List<FieldStatus> fields) {
    }

    /** A field whose label matches a search. */
    @Serdeable
    public record FoundField(String object, String apiName, String label, String type, boolean updateable) {
    }

    /** The daily API allowance. */
    @Serdeable
    public record Allowance(long dailyApiRequestsMax, long dailyApiRequestsRemaining) {
    }

    private final SalesforceClient client;
    private final SettingsView settings;
    private final Clock clock;
    private final PeopleDirectory directory;

    public SalesforceController(SalesforceClient client, SettingsView settings, Clock clock, PeopleDirectory directory) {
        this.client = client;
        this.directory = directory;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * The opt-out fields on Contact and Lead. {@code marketoField} checks another API name than the saved one (the
     * console checks a name before it is saved).
     */
    @Operation(summary = "Whether the opt-out fields exist on Contact and Lead and can be written", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "One line per object and field",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = FieldReport.class)))
    @ApiResponse(responseCode = "502", description = "Salesforce did not answer or refused the call",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @Get(value = "/fields", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> fields(@Nullable @QueryValue String marketoField) {
        SyncSettings current = settings.current();
        String marketo = marketoField == null || marketoField.isBlank() ? current.getMarketoSalesOptOutField() : marketoField.trim();
        List<FieldStatus> fields = new ArrayList<>();
        boolean writable = true;
        for (String object : FieldCheck.OBJECTS) {
            Outcome<Describe> described = client.describe(object);
            if (!(described instanceof Outcome.Ok<Describe>(Describe describe))) {
                return unavailable("Cannot describe " + object + ": " + described.describe());
            }
            FieldStatus email = status(describe, object, "emailOptOut", EMAIL_OPT_OUT, current.getSyncToEmailOptOut());
            FieldStatus marketoStatus = status(describe, object, "marketoSalesOptOut", marketo, current.getSyncToMarketoSalesOptOut());
            for (FieldStatus field : List.of(email, marketoStatus)) {
                fields.add(field);
                writable &= !field.selected() || field.updateable();
            }
        }
        return HttpResponse.ok(new FieldReport(clock.instant(), writable, fields));
    }

    /** Fields of Contact and Lead whose label contains {@code label} (case-insensitive), checkbox fields first. */
    @Operation(summary = "Contact and Lead fields whose label contains the text, checkboxes first", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The fields found",
            content = @Content(mediaType = "application/json", array = @ArraySchema(schema = @Schema(implementation = FoundField.class))))
    @ApiResponse(responseCode = "502", description = "Salesforce did not answer or refused the call",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @Get(value = "/fields/search", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> search(@Nullable @QueryValue String label) {
        if (label == null || label.isBlank()) {
            return Problem.response(HttpStatus.BAD_REQUEST, "bad-request", "Invalid request", "label is required, e.g. ?label=Marketo Sales Opt Out");
        }
        String wanted = label.trim().toLowerCase(Locale.ROOT);
        List<FoundField> found = new ArrayList<>();
        for (String object : FieldCheck.OBJECTS) {
            Outcome<Describe> described = client.describe(object);
            if (!(described instanceof Outcome.Ok<Describe>(Describe describe))) {
                return unavailable("Cannot describe " + object + ": " + described.describe());
            }
            describe.fields().stream().filter(f -> f.label().toLowerCase(Locale.ROOT).contains(wanted))
                    .sorted((a, b) -> Boolean.compare(!"boolean".equals(a.type()), !"boolean".equals(b.type())))
                    .forEach(f -> found.add(new FoundField(object, f.name(), f.label(), f.type(), f.updateable())));
        }
        return HttpResponse.ok(found);
    }

    /** A Contact or Lead as Salesforce holds it now: who it is and its opt-out fields. */
    @Serdeable
    public record PersonRecord(String object, String id, @Nullable String email, @Nullable String name, boolean hasOptedOutOfEmail,
            @Nullable String marketoSalesOptOutField, @Nullable Boolean marketoSalesOptOut) {
    }

    /** The Contact or Lead with this 15- or 18-character ID, live from Salesforce. */
    @Operation(summary = "One Contact or Lead by its ID, with its opt-out fields", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The record",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PersonRecord.class)))
    @ApiResponse(responseCode = "502", description = "Salesforce did not answer or refused the call",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @ApiResponse(responseCode = "404", ref = "#/components/responses/NotFound")
    @Get(value = "/people/{id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> person(@PathVariable String id) {
        SalesforceId parsed;
        try {
            parsed = SalesforceId.parsePerson(id);
        } catch (InvalidSalesforceIdException e) {
            return Problem.response(HttpStatus.BAD_REQUEST, "bad-request", "Invalid Salesforce ID", "the ID " + e.getMessage());
        }
        String object = parsed.personObjectType().orElseThrow();
        List<String> fields = new ArrayList<>(List.of("Id", "Email", "FirstName", "LastName", EMAIL_OPT_OUT));
        String marketo = settings.current().getMarketoSalesOptOutField();
        boolean hasMarketo = client.describe(object) instanceof Outcome.Ok<Describe>(Describe d) && d.field(marketo).isPresent();
        if (hasMarketo) {
            fields.add(marketo);
        }
        Outcome<Map<String, Object>> record = client.get(object, parsed.to18(), fields);
        return switch (record) {
            case Outcome.Ok<Map<String, Object>>(Map<String, Object> r) -> HttpResponse.ok(new PersonRecord(object, parsed.to18(), (String) r.get("Email"),
                    String.join(" ", Stream.of(r.get("FirstName"), r.get("LastName")).filter(Objects::nonNull).map(String::valueOf).toList()),
                    Boolean.TRUE.equals(r.get(EMAIL_OPT_OUT)), hasMarketo ? marketo : null, hasMarketo ? Boolean.TRUE.equals(r.get(marketo)) : null));
            case Outcome.RequestRejected<Map<String, Object>> rejected when rejected.status() == 404 ->
                Problem.response(HttpStatus.NOT_FOUND, "not-found", "Not found", "Salesforce has no " + object + " " + parsed.to18());
            default -> unavailable("Cannot read " + object + " " + parsed.to18() + ": " + record.describe());
        };
    }

    /** One Contact or Lead with the email, as read live, and whether the people directory lists it. */
    @Serdeable
    public record LinkedRecord(String object, String id, String email, String name, boolean hasOptedOutOfEmail, @Nullable Boolean marketoSalesOptOut,
            boolean converted, @Nullable String convertedContactId, boolean inDirectory) {
    }

    /** Every Contact and Lead with an email address. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LinkedPeople(String email, String person, @Nullable String marketoSalesOptOutField, boolean directoryCaughtUp, List<LinkedRecord> records) {
    }

    /**
     * Every Contact and Lead whose Email is this address (compared as Salesforce does), read live, each marked with
     * whether the people directory lists it: what an unsubscribe by email reaches.
     */
    @Operation(summary = "Every Contact and Lead with an email, as the directory links them", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The linked records",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = LinkedPeople.class)))
    @ApiResponse(responseCode = "502", description = "Salesforce did not answer or refused the call",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "400", ref = "#/components/responses/BadRequest")
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @Get(value = "/people", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> peopleByEmail(@Nullable @QueryValue String email) {
        if (email == null || email.isBlank() || email.length() > 320 || email.indexOf('@') < 1) {
            return Problem.response(HttpStatus.BAD_REQUEST, "bad-request", "Invalid email", "email must be an address (name@domain), at most 320 characters");
        }
        String person = PersonKey.of(email);
        Set<String> listed = new HashSet<>();
        directory.known(person).ifPresent(records -> records.forEach(r -> listed.add(r.id())));
        String marketo = settings.current().getMarketoSalesOptOutField();
        List<LinkedRecord> records = new ArrayList<>();
        for (String object : List.of("Contact", "Lead")) {
            boolean hasMarketo = client.describe(object) instanceof Outcome.Ok<Describe>(Describe d) && d.field(marketo).isPresent();
            String fields = "Id, Email, FirstName, LastName, " + EMAIL_OPT_OUT + (hasMarketo ? ", " + marketo : "")
                    + (object.equals("Lead") ? ", IsConverted, ConvertedContactId" : "");
            LinkedHashSet<String> spellings = new LinkedHashSet<>(List.of(email.trim(), person));
            String in = String.join(", ", spellings.stream().map(SalesforceWriterAdapter::soqlString).toList());
            List<Map<String, Object>> rows = new ArrayList<>();
            Outcome<Long> read = client.query("SELECT " + fields + " FROM " + object + " WHERE Email IN (" + in + ")", false, rows::add);
            if (!(read instanceof Outcome.Ok<Long>)) {
                return unavailable("Cannot look up " + object + "s by email: " + read.describe());
            }
            for (Map<String, Object> r : rows) {
                String id = String.valueOf(r.get("Id"));
                String contact = r.get("ConvertedContactId") instanceof String c ? c : null;
                boolean converted = Boolean.TRUE.equals(r.get("IsConverted"));
                records.add(new LinkedRecord(object, id, String.valueOf(r.get("Email")),
                        String.join(" ", Stream.of(r.get("FirstName"), r.get("LastName")).filter(Objects::nonNull).map(String::valueOf).toList()),
                        Boolean.TRUE.equals(r.get(EMAIL_OPT_OUT)), hasMarketo ? Boolean.TRUE.equals(r.get(marketo)) : null, converted, contact,
                        listed.contains(converted && contact != null ? contact : id)));
            }
        }
        return HttpResponse.ok(new LinkedPeople(email.trim(), person, marketo, directory.caughtUp(), records));
    }

    /** The daily API allowance, from {@code /limits}. */
    @Operation(summary = "Salesforce's daily API allowance, as Salesforce reports it", security = @SecurityRequirement(name = "apiKey"))
    @ApiResponse(responseCode = "200", description = "The allowance",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Allowance.class)))
    @ApiResponse(responseCode = "502", description = "Salesforce did not answer or refused the call",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(ref = "#/components/schemas/Problem")))
    @ApiResponse(responseCode = "401", ref = "#/components/responses/Unauthorized")
    @ApiResponse(responseCode = "403", ref = "#/components/responses/Forbidden")
    @Get(value = "/limits", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> limits() {
        Outcome<SalesforceClient.Limits> limits = client.limits();
        if (limits instanceof Outcome.Ok<SalesforceClient.Limits>(SalesforceClient.Limits l)) {
            return HttpResponse.ok(new Allowance(l.dailyApiRequestsMax(), l.dailyApiRequestsRemaining()));
        }
        return unavailable("Cannot read the API allowance: " + limits.describe());
    }

    private static FieldStatus status(Describe describe, String object, String role, String apiName, boolean selected) {
        Optional<Describe.Field> field = describe.field(apiName);
        if (field.isEmpty()) {
            return new FieldStatus(object, role, apiName, selected, false, false, null,
                    apiName + " does not exist on " + object + ", or the integration user cannot see it", FieldCheck.missingSteps(object, apiName));
        }
        Describe.Field f = field.get();
        if (!f.updateable()) {
            return new FieldStatus(object, role, f.name(), selected, true, false, f.label(),
                    f.name() + " on " + object + " is read-only for the integration user", FieldCheck.readOnlySteps(object, f.name()));
        }
        return new FieldStatus(object, role, f.name(), selected, true, true, f.label(), null, List.of());
    }

    private static HttpResponse<?> unavailable(String detail) {
        return Problem.response(HttpStatus.BAD_GATEWAY, "bad-gateway", "Salesforce unavailable", detail);
    }
}
