package dev.unsubsync.kit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class that holds a room's rules: it uses no framework, no Kafka client and no HTTP server, so its rules are
 * tested with plain objects and fakes. The architecture test checks every class so marked.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface FrameworkFree {
}
