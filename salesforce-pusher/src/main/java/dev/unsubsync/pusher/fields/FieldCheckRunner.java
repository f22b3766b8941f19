package dev.unsubsync.pusher.fields;

import dev.unsubsync.kit.kafka.SettingsView;
import dev.unsubsync.salesforce.Describe;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks through describe, at start-up and then periodically, that the opt-out fields the settings choose exist and are
 * writable on Contact and Lead (rule 6). What it finds feeds {@link FieldCheck} (which parks events) and the health
 * endpoint. Describe is revalidated with If-Modified-Since, so an unchanged org costs a 304.
 */
@Singleton
public class FieldCheckRunner {

    private static final Logger LOG = LoggerFactory.getLogger(FieldCheckRunner.class);

    private final SalesforceClient client;
    private final FieldCheck fieldCheck;
    private final SettingsView settings;
    private final AtomicReference<Optional<String>> salesforceProblem = new AtomicReference<>(Optional.of("not checked yet"));

    public FieldCheckRunner(SalesforceClient client, FieldCheck fieldCheck, SettingsView settings) {
        this.client = client;
        this.fieldCheck = fieldCheck;
        this.settings = settings;
    }

    /** Why Salesforce cannot be used at all (authentication, reachability), if so. */
    public Optional<String> salesforceProblem() {
        return salesforceProblem.get();
    }

    @Scheduled(initialDelay = "1s", fixedDelay = "${pusher.field-check-interval:60s}")
    public void check() {
        List<String> fields = FieldChoice.fields(settings.current());
        for (String object : FieldCheck.OBJECTS) {
            Outcome<Describe> described = client.describe(object);
            if (!(described instanceof Outcome.Ok<Describe>(Describe describe))) {
                salesforceProblem.set(Optional.of("Cannot describe " + object + ": " + described.describe()));
                LOG.warn("Field check: cannot describe {}: {}", object, described.describe());
                return;
            }
            Map<String, String> problems = new LinkedHashMap<>();
            for (String field : fields) {
                Optional<Describe.Field> found = describe.field(field);
                if (found.isEmpty()) {
                    problems.put(field, FieldCheck.missing(object, field));
                } else if (!found.get().updateable()) {
                    problems.put(field, FieldCheck.readOnly(object, field));
                }
            }
            if (!problems.isEmpty()) {
                LOG.warn("Field check: {} on {} cannot be written; unsubscribes for it are parked", problems.keySet(), object);
            }
            fieldCheck.update(object, problems);
        }
        salesforceProblem.set(Optional.empty());
    }
}
