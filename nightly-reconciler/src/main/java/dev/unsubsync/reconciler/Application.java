package dev.unsubsync.reconciler;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** Starts nightly-reconciler: the nightly run, its schedule and its API. */
@OpenAPIDefinition(info = @Info(title = "nightly-reconciler", version = "1"))
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
