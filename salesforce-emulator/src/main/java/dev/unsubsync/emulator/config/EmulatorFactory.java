package dev.unsubsync.emulator.config;

import dev.unsubsync.emulator.domain.ApiUsage;
import dev.unsubsync.emulator.domain.BulkJobs;
import dev.unsubsync.emulator.domain.Faults;
import dev.unsubsync.emulator.domain.JwtBearer;
import dev.unsubsync.emulator.domain.Org;
import dev.unsubsync.emulator.domain.OrgSchema;
import dev.unsubsync.emulator.domain.Seed;
import dev.unsubsync.emulator.domain.Tokens;
import dev.unsubsync.emulator.domain.UserEdits;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.exceptions.ConfigurationException;
import jakarta.inject.Singleton;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Wires the emulated org from {@link EmulatorConfiguration}. */
@Factory
public class EmulatorFactory {

    @Singleton
    @Requires(missingBeans = Clock.class)
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    Faults faults(EmulatorConfiguration config) {
        Faults faults = new Faults();
        faults.set(new Faults.Settings(config.getFaultLatency(), config.getFaultFailShare(), config.getFaultFailStatus(), List.of(), 0));
        return faults;
    }

    /** Created at start-up, so seeding happens before the emulator reports healthy, not on the first request. */
    @Context
    Org org(EmulatorConfiguration config, Clock clock, Faults faults) {
        Optional<String> marketoField = config.isMarketoFieldInstalled() ? Optional.of(config.getMarketoFieldName()) : Optional.empty();
        Org org = new Org(new OrgSchema(marketoField), clock, faults);
        Seed.into(org, config.getSeedContacts(), config.getSeedLeads());
        return org;
    }

    @Singleton
    UserEdits userEdits(Org org) {
        return new UserEdits(org);
    }

    @Singleton
    BulkJobs bulkJobs(Org org, Clock clock) {
        return new BulkJobs(org, clock);
    }

    /** The JWT bearer flow, when the connected app's certificate is configured. */
    @Singleton
    @Requires(property = "emulator.jwt-public-key")
    JwtBearer jwtBearer(EmulatorConfiguration config, Clock clock) {
        try {
            return new JwtBearer(JwtBearer.publicKey(config.getJwtPublicKey()), config.getClientId(),
                    config.getJwtUsername(), config.getJwtAudiences(), clock);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigurationException(
                    "emulator.jwt-public-key is not a PEM certificate or RSA public key: " + e.getMessage(), e);
        }
    }

    @Singleton
    Tokens tokens(EmulatorConfiguration config, Clock clock) {
        return new Tokens(clock, config.getTokenTtl());
    }

    @Singleton
    ApiUsage apiUsage(EmulatorConfiguration config) {
        return new ApiUsage(config.getDailyApiRequests());
    }
}
