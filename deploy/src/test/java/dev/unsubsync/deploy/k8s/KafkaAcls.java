package dev.unsubsync.deploy.k8s;

import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.StrimziAclOperation;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/** A KafkaUser's ACLs as the broker holds them, as Strimzi's User Operator writes them. */
public final class KafkaAcls {

    private KafkaAcls() {
    }

    /** Every ACL of the user, for principal {@code User:<name>}, any host. */
    public static List<AclBinding> of(KafkaUser user) {
        String principal = "User:" + user.getMetadata().getName();
        List<AclBinding> bindings = new ArrayList<>();
        for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            ResourcePattern pattern = new ResourcePattern(type(rule.getResource()),
                    type(rule.getResource()) == ResourceType.CLUSTER ? "kafka-cluster" : name(rule.getResource()),
                    prefixed(rule.getResource()) ? PatternType.PREFIXED : PatternType.LITERAL);
            for (StrimziAclOperation operation : rule.getOperations()) {
                bindings.add(new AclBinding(pattern, new AccessControlEntry(principal, rule.getHost() == null ? "*" : rule.getHost(),
                        operation(operation), AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }

    static ResourceType type(AclRuleResource resource) {
        return switch (resource) {
            case AclRuleTopicResource ignored -> ResourceType.TOPIC;
            case AclRuleGroupResource ignored -> ResourceType.GROUP;
            case AclRuleTransactionalIdResource ignored -> ResourceType.TRANSACTIONAL_ID;
            default -> ResourceType.CLUSTER;
        };
    }

    static String name(AclRuleResource resource) {
        return switch (resource) {
            case AclRuleTopicResource topic -> topic.getName();
            case AclRuleGroupResource group -> group.getName();
            case AclRuleTransactionalIdResource id -> id.getName();
            default -> null;
        };
    }

    static boolean prefixed(AclRuleResource resource) {
        AclResourcePatternType pattern = switch (resource) {
            case AclRuleTopicResource topic -> topic.getPatternType();
            case AclRuleGroupResource group -> group.getPatternType();
            case AclRuleTransactionalIdResource id -> id.getPatternType();
            default -> AclResourcePatternType.LITERAL;
        };
        return pattern == AclResourcePatternType.PREFIX;
    }

    private static AclOperation operation(StrimziAclOperation operation) {
        return switch (operation) {
            case READ -> AclOperation.READ;
            case WRITE -> AclOperation.WRITE;
            case CREATE -> AclOperation.CREATE;
            case DELETE -> AclOperation.DELETE;
            case ALTER -> AclOperation.ALTER;
            case DESCRIBE -> AclOperation.DESCRIBE;
            case CLUSTERACTION -> AclOperation.CLUSTER_ACTION;
            case ALTERCONFIGS -> AclOperation.ALTER_CONFIGS;
            case DESCRIBECONFIGS -> AclOperation.DESCRIBE_CONFIGS;
            case IDEMPOTENTWRITE -> AclOperation.IDEMPOTENT_WRITE;
            case ALL -> AclOperation.ALL;
        };
    }
}
