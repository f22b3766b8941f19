package dev.unsubsync.kit.security;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The scope an API route needs. Every {@code /v1} route declares one (on the method, or on its controller for all its
 * methods); a route that declares none is refused to every key, so a new route is closed until someone decides.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RequiresScope {

    /** The scope needed. */
    Scope value();
}
