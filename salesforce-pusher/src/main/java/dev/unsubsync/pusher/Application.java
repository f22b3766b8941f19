package dev.unsubsync.pusher;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;

/** Starts salesforce-pusher. */
@OpenAPIDefinition(info = @Info(title = "salesforce-pusher", version = "1"))
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
