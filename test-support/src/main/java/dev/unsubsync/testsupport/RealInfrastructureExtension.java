package dev.unsubsync.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the real broker and registry ({@link TestInfrastructure}) before a test class, once per test JVM. Register it
 * before {@code @MicronautTest} so the infrastructure is up when the application context reads its properties.
 */
public final class RealInfrastructureExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        TestInfrastructure.get();
    }
}
