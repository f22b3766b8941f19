package dev.unsubsync.deploy.k8s;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus Operator's {@code ServiceMonitor} and KEDA's {@code ScaledObject} and {@code TriggerAuthentication}:
 * only the fields these manifests may use, named and typed as their CRDs define them, so a misspelt or misplaced field
 * fails to read. (Neither project publishes a Java model on Maven Central.)
 */
final class CustomKinds {

    private CustomKinds() {
    }

    record ServiceMonitor(String apiVersion, String kind, ObjectMeta metadata, ServiceMonitorSpec spec) {
    }

    record ServiceMonitorSpec(LabelSelector selector, List<Endpoint> endpoints) {
    }

    record Endpoint(String port, String path, String interval, Authorization authorization) {
    }

    record Authorization(String type, SecretKey credentials) {
    }

    record SecretKey(String name, String key) {
    }

    record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, ScaledObjectSpec spec) {
    }

    record ScaledObjectSpec(TargetRef scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount, Integer cooldownPeriod,
            Integer pollingInterval, List<Trigger> triggers) {
    }

    record TargetRef(String name) {
    }

    record Trigger(String type, Map<String, String> metadata, TargetRef authenticationRef) {
    }

    record TriggerAuthentication(String apiVersion, String kind, ObjectMeta metadata, TriggerAuthenticationSpec spec) {
    }

    record TriggerAuthenticationSpec(List<SecretTarget> secretTargetRef) {
    }

    record SecretTarget(String parameter, String name, String key) {
    }
}
