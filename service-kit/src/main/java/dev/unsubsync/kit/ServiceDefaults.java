package dev.unsubsync.kit;

import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.ApplicationContextConfigurer;
import io.micronaut.context.annotation.ContextConfigurer;
import io.micronaut.context.env.PropertySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration every service shares (endpoints, metrics, Kafka's health check, the registry's settings), shipped
 * once from service-kit ({@code service-defaults.properties}) instead of copied into each service's
 * {@code application.yml}. Added as the lowest property source: a service's own files and the environment win.
 */
@ContextConfigurer
public final class ServiceDefaults implements ApplicationContextConfigurer {

    /** The name of the property source. */
    public static final String NAME = "service-kit-defaults";
    static final String RESOURCE = "dev/unsubsync/kit/service-defaults.properties";
    /** Below the service's own files (-300 and up), the environment (-200) and system properties (-100): those win. */
    static final int ORDER = -1000;

    @Override
    public void configure(ApplicationContextBuilder builder) {
        builder.propertySources(PropertySource.of(NAME, load(), ORDER));
    }

    static Map<String, Object> load() {
        Properties properties = new Properties();
        try (InputStream in = ServiceDefaults.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from service-kit's jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
        return values;
    }
}
