package dev.unsubsync.capture;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** Starts unsubscribe-capture. */
@OpenAPIDefinition(info = @Info(title = "unsubscribe-capture", version = "1"))
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
