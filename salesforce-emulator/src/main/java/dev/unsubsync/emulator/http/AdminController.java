package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.config.EmulatorConfiguration;
import dev.unsubsync.emulator.domain.ApiUsage;
import dev.unsubsync.emulator.domain.Faults;
import dev.unsubsync.emulator.domain.Org;
import dev.unsubsync.emulator.domain.OrgSchema;
import dev.unsubsync.emulator.domain.SalesforceException;
import dev.unsubsync.emulator.domain.Seed;
import dev.unsubsync.emulator.domain.Tokens;
import dev.unsubsync.emulator.domain.UserEdits;
import dev.unsubsync.schemas.SalesforceId;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The emulator's own control surface, for tests and the local run (not part of Salesforce's API; bound to 127.0.0.1,
 * never expose it): inject failures, expire sessions, use up the daily limit, install or remove the custom field, seed,
 * reset, and read call counters.
 */
@Controller(value = "/__admin", produces = MediaType.APPLICATION_JSON)
public class AdminController {

    private static final Pattern CUSTOM_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*__c");

    /** One per-record refusal rule; {@code ids} empty means any record, {@code share} defaults to 1, {@code times} to unlimited. */
    @Serdeable
    public record RecordRuleBody(String statusCode, @Nullable List<String> ids, @Nullable Double share, @Nullable Integer times) {
    }

    /** Everything to inject; omitted parts are off. */
    @Serdeable
    public record FaultsBody(@Nullable Long latencyMs, @Nullable Double failShare, @Nullable Integer failStatus,
            @Nullable List<RecordRuleBody> recordFailures, @Nullable Double dropShare) {
    }

    /** Token lifetime for sessions issued from now on. */
    @Serdeable
    public record TokensBody(long ttlSeconds) {
    }

    /** Install ({@code installed: true}, optionally under another API name) or remove the Marketo Sales Opt Out field. */
    @Serdeable
    public record FieldBody(boolean installed, @Nullable String name) {
    }

    /** Field-level security for one field: EDITABLE, READ_ONLY or HIDDEN. */
    @Serdeable
    public record AccessBody(String access) {
    }

    /** Convert a Lead, optionally into an existing Contact. */
    @Serdeable
    public record ConvertBody(@Nullable String contactId) {
    }

    /** Merge duplicates into a master. */
    @Serdeable
    public record MergeBody(String masterId, List<String> duplicateIds) {
    }

    /** How many sample records to add, and optionally every how many-th one starts opted out (0: none). */
    @Serdeable
    public record SeedBody(int contacts, int leads, @io.micronaut.core.annotation.Nullable Integer optedOutEvery) {
    }

    private final Faults faults;
    private final Tokens tokens;
    private final ApiUsage usage;
    private final Org org;
    private final ApiFilter filter;
    private final EmulatorConfiguration config;
    private final UserEdits userEdits;

    public AdminController(Faults faults, Tokens tokens, ApiUsage usage, Org org, ApiFilter filter, EmulatorConfiguration config, UserEdits userEdits) {
        this.faults = faults;
        this.tokens = tokens;
        this.usage = usage;
        this.org = org;
        this.filter = filter;
        this.config = config;
        this.userEdits = userEdits;
    }

    /** Current faults, API usage, field state, record count and calls per endpoint. */
    @Get
    public Map<String, Object> state() {
        Faults.Settings settings = faults.settings();
        Map<String, Object> state = new LinkedHashMap<>();
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Faults.RecordRule rule : settings.recordRules()) {
            rules.add(Map.of("statusCode", rule.statusCode(), "ids", List.copyOf(rule.ids()), "share", rule.share(), "times", rule.times()));
        }
        state.put("faults", Map.of("latencyMs", settings.latency().toMillis(), "failShare", settings.failShare(),
                "failStatus", settings.failStatus(), "recordFailures", rules, "dropShare", settings.dropShare()));
        state.put("apiUsage", Map.of("used", usage.used(), "max", usage.max()));
        state.put("marketoField", org.schema().marketoField().map(name -> (Object) name).orElse(false));
        state.put("records", org.size());
        state.put("optOutsCleared", org.optOutsCleared());
        state.put("injected", faults.injected());
        state.put("fieldAccess", org.schema().access());
        state.put("calls", filter.calls());
        return state;
    }

    @Put("/faults")
    public HttpResponse<?> setFaults(@Body FaultsBody body) {
        List<Faults.RecordRule> rules = new ArrayList<>();
        try {
            for (RecordRuleBody rule : body.recordFailures() == null ? List.<RecordRuleBody>of() : body.recordFailures()) {
                Set<String> ids = new HashSet<>();
                for (String id : rule.ids() == null ? List.<String>of() : rule.ids()) {
                    ids.add(SalesforceId.parse(id).to18());
                }
                rules.add(new Faults.RecordRule(rule.statusCode(), ids, rule.share() == null ? 1 : rule.share(), rule.times() == null ? -1 : rule.times()));
            }
            faults.set(new Faults.Settings(Duration.ofMillis(body.latencyMs() == null ? 0 : body.latencyMs()),
                    body.failShare() == null ? 0 : body.failShare(), body.failStatus() == null ? 503 : body.failStatus(), rules,
                    body.dropShare() == null ? 0 : body.dropShare()));
        } catch (IllegalArgumentException e) { // includes a malformed ID (InvalidSalesforceIdException)
            return HttpResponse.badRequest(Map.of("error", e.getMessage()));
        }
        return HttpResponse.ok(state());
    }

    @Delete("/faults")
    public Map<String, Object> clearFaults() {
        faults.set(Faults.Settings.none());
        return state();
    }

    /** Ends every current session: the next call with an old token gets {@code 401 INVALID_SESSION_ID}. */
    @Post("/tokens/expire")
    public Map<String, Object> expireTokens() {
        tokens.revokeAll();
        return state();
    }

    @Put("/tokens")
    public HttpResponse<?> setTokenTtl(@Body TokensBody body) {
        if (body.ttlSeconds() < 0) {
            return HttpResponse.badRequest(Map.of("error", "ttlSeconds must not be negative"));
        }
        tokens.setTtl(Duration.ofSeconds(body.ttlSeconds()));
        return HttpResponse.ok(state());
    }

    /** Uses up the daily allowance: data calls answer {@code 403 REQUEST_LIMIT_EXCEEDED} until reset. */
    @Post("/limits/exhaust")
    public Map<String, Object> exhaustLimit() {
        usage.exhaust();
        return state();
    }

    @Post("/limits/reset")
    public Map<String, Object> resetLimit() {
        usage.reset();
        return state();
    }

    @Put("/fields/marketo")
    public HttpResponse<?> setMarketoField(@Body FieldBody body) {
        String name = body.name() == null ? org.schema().marketoField().orElse(config.getMarketoFieldName()) : body.name();
        if (body.installed() && !CUSTOM_FIELD.matcher(name).matches()) {
            return HttpResponse.badRequest(Map.of("error", "name must be a custom field API name ending in __c, was " + name));
        }
        org.setMarketoField(body.installed() ? Optional.of(name) : Optional.empty());
        return HttpResponse.ok(state());
    }

    /** What the integration user may do with a field: describe, SOQL and writes follow. */
    @Put("/fields/{object}/{field}")
    public HttpResponse<?> setFieldAccess(String object, String field, @Body AccessBody body) {
        try {
            org.setFieldAccess(object, field, OrgSchema.FieldAccess.valueOf(body.access().toUpperCase(Locale.ROOT).replace('-', '_')));
        } catch (IllegalArgumentException | NullPointerException e) {
            return HttpResponse.badRequest(Map.of("error", "access must be EDITABLE, READ_ONLY or HIDDEN on a known field: " + e.getMessage()));
        } catch (SalesforceException e) {
            return HttpResponse.badRequest(Map.of("error", e.getMessage()));
        }
        return HttpResponse.ok(state());
    }

    @Post("/leads/{id}/convert")
    public HttpResponse<?> convertLead(String id, @Nullable @Body ConvertBody body) {
        String contact = userEdits.convertLead(id, Optional.ofNullable(body == null ? null : body.contactId()));
        return HttpResponse.ok(Map.of("leadId", SalesforceId.parse(id).to18(), "convertedContactId", contact));
    }

    @Post("/merge")
    public HttpResponse<?> merge(@Body MergeBody body) {
        userEdits.merge(body.masterId(), body.duplicateIds() == null ? List.of() : body.duplicateIds());
        return HttpResponse.ok(Map.of("masterId", SalesforceId.parse(body.masterId()).to18(), "merged", body.duplicateIds()));
    }

    /** A record deleted (or merged away) brought back from the recycle bin, as a Salesforce user undeleting it would. */
    @Post("/records/{id}/undelete")
    public HttpResponse<?> undelete(String id) {
        userEdits.undelete(id);
        return HttpResponse.ok(Map.of("id", SalesforceId.parse(id).to18(), "undeleted", true));
    }

    /**
     * A Salesforce user edits a record in its page (checks Email Opt Out, changes the email): stamped as that user's
     * change, not the integration's, and never refused by injected API faults.
     */
    @Patch("/records/{id}")
    public HttpResponse<?> edit(String id, @Body Map<String, Object> fields) {
        if (fields == null || fields.isEmpty()) {
            return HttpResponse.badRequest(Map.of("error", "the body must name the fields to change"));
        }
        userEdits.edit(id, fields);
        return HttpResponse.ok(Map.of("id", SalesforceId.parse(id).to18(), "edited", fields.keySet()));
    }

    /** Records whose opt-out fields to uncheck, as a Salesforce user resubscribing them would. */
    @Serdeable
    public record IdsBody(List<String> ids) {
    }

    @Post("/opt-outs/clear")
    public HttpResponse<?> clearOptOuts(@Body IdsBody body) {
        if (body.ids() == null || body.ids().isEmpty()) {
            return HttpResponse.badRequest(Map.of("error", "ids must list the records to uncheck"));
        }
        return HttpResponse.ok(Map.of("cleared", userEdits.clearOptOuts(body.ids())));
    }

    @Post("/seed")
    public HttpResponse<?> seed(@Body SeedBody body) {
        if (body.contacts() < 0 || body.leads() < 0 || body.contacts() + body.leads() > 5_000_000) {
            return HttpResponse.badRequest(Map.of("error", "contacts and leads must be between 0 and 5,000,000 in all"));
        }
        int every = body.optedOutEvery() == null ? 0 : body.optedOutEvery();
        if (every < 0) {
            return HttpResponse.badRequest(Map.of("error", "optedOutEvery must be 0 (none) or more"));
        }
        Seed.into(org, body.contacts(), body.leads(), every);
        return HttpResponse.ok(state());
    }

    /** Back to start-up: no faults, fresh seed data, full allowance, default field, no counters, no sessions. */
    @Post("/reset")
    public Map<String, Object> reset() {
        faults.set(Faults.Settings.none());
        tokens.revokeAll();
        tokens.setTtl(config.getTokenTtl());
        usage.reset();
        org.clear();
        org.clearFieldAccess();
        org.setMarketoField(config.isMarketoFieldInstalled() ? Optional.of(config.getMarketoFieldName()) : Optional.empty());
        Seed.into(org, config.getSeedContacts(), config.getSeedLeads());
        filter.resetCalls();
        return state();
    }
}
