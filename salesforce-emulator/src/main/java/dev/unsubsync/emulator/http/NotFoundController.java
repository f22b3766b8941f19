package dev.unsubsync.emulator.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import java.util.List;

/** Unknown resources answer as Salesforce does, not with the framework's own error page. */
@Controller
public class NotFoundController {

    @Error(status = HttpStatus.NOT_FOUND, global = true)
    public HttpResponse<?> notFound() {
        return Errors.response(404, "NOT_FOUND", "The requested resource does not exist", List.of());
    }

    @Error(status = HttpStatus.METHOD_NOT_ALLOWED, global = true)
    public HttpResponse<?> methodNotAllowed() {
        return Errors.response(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed for this resource", List.of());
    }
}
