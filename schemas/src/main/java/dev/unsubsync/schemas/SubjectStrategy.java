package dev.unsubsync.schemas;

import io.apicurio.registry.resolver.ParsedSchema;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.resolver.strategy.ArtifactReferenceResolverStrategy;
import io.apicurio.registry.serde.data.SerdeRecord;
import org.apache.avro.Schema;

/**
 * {@link Subjects}' rule for Apicurio's serializers ({@code apicurio.registry.artifact-resolver-strategy}): the artifact
 * is the subject a Confluent client computes, in the registry's default group.
 */
public final class SubjectStrategy implements ArtifactReferenceResolverStrategy<Schema, Object> {

    @Override
    public ArtifactReference artifactReference(Record<Object> data, ParsedSchema<Schema> parsedSchema) {
        Schema schema = parsedSchema.getParsedSchema();
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalStateException("only Avro records are written to our topics, not " + schema.getType());
        }
        String topic = ((SerdeRecord<?>) data).metadata().getTopic();
        return ArtifactReference.builder().groupId(Subjects.DEFAULT_GROUP).artifactId(Subjects.of(topic, schema.getFullName())).build();
    }
}
