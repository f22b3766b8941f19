package dev.unsubsync.kit.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * Every error the framework answers itself — no route for the path, a method the path does not serve, a media type it
 * neither reads nor writes, a request it cannot bind — in our {@link Problem} shape, as every error our own code answers,
 * never in the framework's. An answer a controller gives (a page, a problem) passes through untouched.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrors implements ErrorResponseProcessor<Problem> {

    @Override
    @SuppressWarnings("unchecked") // a HEAD answer keeps the base response, which has no body
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return (MutableHttpResponse<Problem>) response;
        }
        HttpStatus status = response.status();
        String detail = status == HttpStatus.NOT_FOUND
                ? "nothing is served at " + context.getRequest().getPath()
                : context.getErrors().stream().map(Error::getMessage).findFirst().orElse(status.getReason());
        Problem problem = new Problem("https://unsubsync.dev/problems/" + type(status), status.getReason(), status.getCode(), detail, null);
        return response.contentType(Problem.PROBLEM_JSON).body(problem);
    }

    private static String type(HttpStatus status) {
        return switch (status) {
            case NOT_FOUND -> "not-found";
            case METHOD_NOT_ALLOWED -> "method-not-allowed";
            case NOT_ACCEPTABLE -> "not-acceptable";
            case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
            case BAD_REQUEST -> "invalid-request";
            case INTERNAL_SERVER_ERROR -> "internal-error";
            default -> "http-" + status.getCode();
        };
    }
}
