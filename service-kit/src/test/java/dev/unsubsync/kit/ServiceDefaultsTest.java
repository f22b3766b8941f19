package dev.unsubsync.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration every service shares reaches every context, and anything the service sets wins over it. */
class ServiceDefaultsTest {

    @Test
    void everyContextHasTheSharedSettingsAndItsOwnWin() {
        try (ApplicationContext context = ApplicationContext.run(Map.of("endpoints.health.details-visible", "NEVER"))) {
            assertEquals("dev.unsubsync.schemas.SubjectStrategy", context.getProperty("kafka.apicurio.registry.artifact-resolver-strategy", String.class)
                    .orElseThrow(), "the registry's subjects are a contract between the services: set once");
            assertEquals(Boolean.TRUE, context.getProperty("kafka.health.restricted", Boolean.class).orElseThrow());
            assertEquals("NEVER", context.getProperty("endpoints.health.details-visible", String.class).orElseThrow(), "the service's own value wins");
        }
    }

    @Test
    void theRegistryAndBrokerAddressesStillComeFromTheEnvironmentsVariables() {
        try (ApplicationContext context = ApplicationContext.run()) {
            assertEquals(System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                    context.getProperty("kafka.bootstrap.servers", String.class).orElseThrow());
        }
    }
}
