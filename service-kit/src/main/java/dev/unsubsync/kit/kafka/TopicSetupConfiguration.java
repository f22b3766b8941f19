package dev.unsubsync.kit.kafka;

import io.micronaut.context.annotation.ConfigurationProperties;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;

/** Settings of the start-up topic check ({@link TopicSetup}), under {@code topic-setup.*}. */
@ConfigurationProperties("topic-setup")
public class TopicSetupConfiguration {

    /**
     * Longest a start-up waits for the broker to list, create and check the service's topics before it goes on without
     * them (the service then copes as with a broker that goes down later). Default 15 s.
     */
    @NotNull
    private Duration startUpWait = Duration.ofSeconds(15);

    public Duration getStartUpWait() {
        return startUpWait;
    }

    public void setStartUpWait(Duration startUpWait) {
        this.startUpWait = startUpWait;
    }
}
