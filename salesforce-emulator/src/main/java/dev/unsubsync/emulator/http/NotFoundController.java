package dev.unsubsync.emulator.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import java.util.List;

/** Unknown resources, methods and media types answer in Salesforce's error shape, not with the framework's own. */
@Controller
public class NotFoundController {

    @Error(status = HttpStatus.NOT_FOUND, global = true)
    public HttpResponse<?> notFound() {
        return Errors.response(404, "NOT_FOUND", "The requested resource does not exist", List.of());
    }

    @Error(status = HttpStatus.NOT_ACCEPTABLE, global = true)
    public HttpResponse<?> notAcceptable() {
        return Errors.response(406, "NOT_ACCEPTABLE", "This resource cannot answer in the media type the Accept header asks for", List.of());
    }

    @Error(status = HttpStatus.UNSUPPORTED_MEDIA_TYPE, global = true)
    public HttpResponse<?> unsupportedMediaType() {
        return Errors.response(415, "UNSUPPORTED_MEDIA_TYPE", "The request's Content-Type is not supported by this resource", List.of());
    }

    @Error(status = HttpStatus.METHOD_NOT_ALLOWED, global = true)
    public HttpResponse<?> methodNotAllowed() {
        return Errors.response(405, "METHOD_NOT_ALLOWED", "HTTP Method not allowed for this resource", List.of());
    }
}
