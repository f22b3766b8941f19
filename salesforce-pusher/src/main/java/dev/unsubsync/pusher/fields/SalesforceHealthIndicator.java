package dev.unsubsync.pusher.fields;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Health of the pusher's Salesforce side: DOWN while Salesforce refuses the credentials or cannot be reached, or while
 * a chosen opt-out field is missing or read-only, with what to do in words an admin can follow.
 */
@Singleton
@Readiness
public class SalesforceHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final FieldCheckRunner runner;
    private final FieldCheck fieldCheck;

    public SalesforceHealthIndicator(FieldCheckRunner runner, FieldCheck fieldCheck) {
        this.runner = runner;
        this.fieldCheck = fieldCheck;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Map<String, Object> details = new LinkedHashMap<>();
        runner.salesforceProblem().ifPresent(problem -> details.put("salesforce", problem));
        Map<String, String> problems = fieldCheck.problems();
        if (!problems.isEmpty()) {
            details.put("fields", problems);
        }
        healthStatus = details.isEmpty() ? HealthStatus.UP : HealthStatus.DOWN;
        return details;
    }

    @Override
    protected String getName() {
        return "salesforce";
    }
}
