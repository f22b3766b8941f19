package dev.unsubsync.reconciler;

import io.micronaut.runtime.Micronaut;

/** Starts nightly-reconciler. Its nightly run arrives with its own issue; until then it starts, joins the cluster and reports health.. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
