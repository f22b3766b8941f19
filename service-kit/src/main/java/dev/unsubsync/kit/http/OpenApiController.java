package dev.unsubsync.kit.http;

import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.runtime.ApplicationConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code GET /openapi}: the service's contract, OpenAPI 3.1 YAML generated from its controllers at compile time
 * ({@code META-INF/swagger/<service>-1.yml}). {@code /openapi/ui/} renders it for people (Swagger UI from the jar,
 * nothing from a CDN). Public: a contract is no secret, and an integrator reads it before holding a key.
 */
@Controller("/openapi")
public class OpenApiController {

    /** The media type of the contract. */
    public static final MediaType YAML = MediaType.of("application/yaml");

    private final String contract;
    private final String name;

    public OpenApiController(ResourceResolver resources, ApplicationConfiguration application) {
        this.name = application.getName().orElseThrow(() -> new IllegalStateException("micronaut.application.name is not set"));
        Optional<InputStream> found = resources.getResourceAsStream("classpath:META-INF/swagger/" + name + "-1.yml");
        if (found.isEmpty()) {
            this.contract = null;
            return;
        }
        try (InputStream in = found.get()) {
            this.contract = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the contract of " + name, e);
        }
    }

    @Get
    public HttpResponse<?> contract() {
        if (contract == null) {
            return Problem.response(HttpStatus.NOT_FOUND, "no-contract", "No contract", name + " was built without its OpenAPI contract");
        }
        return HttpResponse.ok(contract).contentType(YAML);
    }

    /** {@code /openapi/ui} → the page, so the relative paths of its scripts resolve. */
    @Get("/ui")
    public HttpResponse<?> page() {
        return HttpResponse.seeOther(URI.create("/openapi/ui/index.html"));
    }
}
