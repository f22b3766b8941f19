package dev.unsubsync.capture.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The providers' settings bind from configuration with their documented defaults. */
class WebhooksConfigurationTest {

    @Test
    void amazonSesSettingsBindWithTheirDefaultsAndSparkPostWithATokenAlone() {
        // Capture's own start-up checks want its secrets; the broker is never reached.
        try (ApplicationContext context = ApplicationContext.builder().properties(Map.of("capture.api-token", "test-api-token-0123456789abcdef",
                "capture.signing-secret", "test-signing-secret-0123456789abcdef", "kafka.bootstrap.servers", "127.0.0.1:9", "topic-setup.start-up-wait", "1ms",
                "capture.webhooks.ses.topic-arns", "arn:aws:sns:eu-west-1:123456789012:bounces,arn:aws:sns:eu-west-1:123456789012:complaints",
                "capture.webhooks.sparkpost.token", "sparkpost-token-0123456789")).eagerInitSingletons(false).start()) {
            WebhooksConfiguration.SesSettings ses = context.getBean(WebhooksConfiguration.SesSettings.class);
            assertEquals(List.of("arn:aws:sns:eu-west-1:123456789012:bounces", "arn:aws:sns:eu-west-1:123456789012:complaints"), ses.topicArns());
            assertEquals(Duration.ofHours(1), ses.maxAge());
            assertEquals("", ses.certificatesDir());
            assertEquals(List.of(), ses.extraRegions());

            WebhooksConfiguration.SparkPostSettings sparkPost = context.getBean(WebhooksConfiguration.SparkPostSettings.class);
            assertEquals("", sparkPost.username());
            assertEquals("sparkpost-token-0123456789", sparkPost.token());
            assertEquals(Duration.ofMinutes(5), context.getBean(WebhooksConfiguration.class).getTimestampTolerance());
        }
    }
}
