package dev.unsubsync.pusher.fields;

import dev.unsubsync.salesforce.Describe;
import dev.unsubsync.salesforce.Outcome;
import dev.unsubsync.salesforce.SalesforceClient;
import dev.unsubsync.salesforce.SalesforceConfiguration;
import io.micronaut.json.JsonMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code ./run preflight}: checks an org's setup before the services run against it, with the pusher's own settings
 * (the same environment variables: {@code SALESFORCE_LOGIN_URL}, {@code SALESFORCE_CLIENT_ID}, ...), and prints for
 * each check either "ok" or what to fix in Salesforce. Exit status 0 when nothing needs fixing, 1 otherwise, 2 when a
 * setting is missing. Reads only: it writes nothing to the org.
 *
 * <p>Checks: the credentials (a token), the daily API allowance, describe of Contact and Lead (Email and SystemModstamp
 * readable, IsConverted and ConvertedContactId on Lead, the opt-out fields present and writable), a REST query, a
 * {@code queryAll} (deleted records, for the people directory's poll), and a Bulk API 2.0 query (the full loads and the
 * nightly snapshot).
 */
public final class Preflight {

    /** The opt-out fields that may be written; the Marketo one only when named (SALESFORCE_MARKETO_FIELD). */
    private final List<String> optOutFields;
    private final SalesforceClient salesforce;
    private final PrintStream out;
    private int problems;

    Preflight(SalesforceClient salesforce, List<String> optOutFields, PrintStream out) {
        this.salesforce = salesforce;
        this.optOutFields = optOutFields;
        this.out = out;
    }

    public static void main(String[] args) {
        SalesforceConfiguration config = new SalesforceConfiguration();
        Function<String, String> env = name -> System.getProperty(name, System.getenv(name));
        config.setLoginUrl(env.apply("SALESFORCE_LOGIN_URL"));
        config.setClientId(env.apply("SALESFORCE_CLIENT_ID"));
        config.setClientSecret(env.apply("SALESFORCE_CLIENT_SECRET"));
        if (env.apply("SALESFORCE_JWT_PRIVATE_KEY") != null) {
            config.setAuthFlow(SalesforceConfiguration.AuthFlow.JWT_BEARER);
            config.setJwtPrivateKey(env.apply("SALESFORCE_JWT_PRIVATE_KEY"));
            config.setJwtUsername(env.apply("SALESFORCE_JWT_USERNAME"));
            if (env.apply("SALESFORCE_JWT_AUDIENCE") != null) {
                config.setJwtAudience(env.apply("SALESFORCE_JWT_AUDIENCE"));
            }
        }
        try {
            config.requireSettings();
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        List<String> fields = new ArrayList<>(List.of("HasOptedOutOfEmail"));
        if (env.apply("SALESFORCE_MARKETO_FIELD") != null) {
            fields.add(env.apply("SALESFORCE_MARKETO_FIELD"));
        }
        Preflight preflight = new Preflight(new SalesforceClient(config, JsonMapper.createDefault()), fields, System.out);
        System.out.println("Preflight of " + config.getLoginUrl() + " as client " + config.getClientId() + " (" + config.getAuthFlow() + ")");
        System.exit(preflight.run() ? 0 : 1);
    }

    /** Runs every check; true when nothing needs fixing. */
    boolean run() {
        Outcome<SalesforceClient.Limits> limits = salesforce.limits();
        if (!check("credentials accepted (OAuth token)", limits, this::credentialsFix)) {
            out.println("Stopped: nothing else can be checked without a token.");
            return false;
        }
        if (limits instanceof Outcome.Ok<SalesforceClient.Limits>(SalesforceClient.Limits daily)) {
            boolean enough = daily.dailyApiRequestsMax() == 0 || daily.dailyApiRequestsRemaining() * 10 >= daily.dailyApiRequestsMax();
            report(enough, "daily API allowance: " + daily.dailyApiRequestsRemaining() + " of " + daily.dailyApiRequestsMax() + " left",
                    "less than 10% of the day's allowance is left: the people directory's poll alone takes about 2,900 calls a day; "
                            + "raise the org's allowance or lower the poll rate (reconciler.directory-poll-interval)");
        }
        for (String objectType : FieldCheck.OBJECTS) {
            Outcome<Describe> describe = salesforce.describe(objectType);
            if (!check("describe " + objectType, describe, failure -> "the integration user cannot describe " + objectType
                    + ": give its permission set Read on " + objectType + " (" + failure + ")")) {
                continue;
            }
            Describe shape = ((Outcome.Ok<Describe>) describe).value();
            List<String> readable = new ArrayList<>(List.of("Email", "SystemModstamp"));
            if (objectType.equals("Lead")) {
                readable.addAll(List.of("IsConverted", "ConvertedContactId"));
            }
            for (String field : readable) {
                report(shape.field(field).isPresent(), objectType + "." + field + " readable", FieldCheck.missing(objectType, field));
            }
            for (String field : optOutFields) {
                var found = shape.field(field);
                if (found.isEmpty()) {
                    report(false, objectType + "." + field + " writable", FieldCheck.missing(objectType, field));
                } else {
                    report(found.get().updateable(), objectType + "." + field + " writable", FieldCheck.readOnly(objectType, field));
                }
            }
        }
        check("REST query (SOQL)", salesforce.query("SELECT Id, Email, HasOptedOutOfEmail, SystemModstamp FROM Contact LIMIT 1", false, row -> {
        }),
                failure -> "the integration user cannot query Contact: API Enabled and Read on Contact are needed (" + failure + ")");
        check("queryAll (deleted records, for the directory's poll)", salesforce.query("SELECT Id FROM Lead WHERE IsDeleted = true LIMIT 1", true, row -> {
        }),
                failure -> "queryAll was refused: the directory cannot see deletions (" + failure + ")");
        check("Bulk API 2.0 query (full loads, nightly snapshot)", salesforce.bulkQuery("SELECT Id FROM Contact LIMIT 1", 1000, row -> {
        }),
                failure -> "Bulk API 2.0 was refused: give the integration user's permission set \"API Enabled\" and check the org's"
                        + " Bulk API allowance (" + failure + ")");
        out.println(problems == 0 ? "Ready: nothing to fix." : problems + " thing(s) to fix.");
        return problems == 0;
    }

    private String credentialsFix(String failure) {
        return "the org refused the credentials (" + failure + "). Check SALESFORCE_LOGIN_URL (the org's My Domain URL, a sandbox's"
                + " ends in .sandbox.my.salesforce.com), the consumer key and secret of the External Client App, that the client"
                + " credentials flow is enabled with a Run As user, or for JWT bearer that the certificate is uploaded and the user"
                + " pre-authorized (docs/operations.md, \"Connect a real org\")";
    }

    private boolean check(String what, Outcome<?> outcome, Function<String, String> fix) {
        boolean ok = outcome instanceof Outcome.Ok<?>;
        report(ok, what, ok ? null : fix.apply(describe(outcome)));
        return ok;
    }

    private static String describe(Outcome<?> outcome) {
        return switch (outcome) {
            case Outcome.AuthFailed<?> failed -> failed.errorCode() + ": " + failed.message();
            case Outcome.RequestRejected<?> rejected -> rejected.status() + " " + rejected.errorCode() + ": " + rejected.message();
            case Outcome.ServerError<?> error -> error.status() + " " + error.errorCode() + ": " + error.message();
            case Outcome.RateLimited<?> limited -> "rate limited: " + limited.message();
            case Outcome.NetworkError<?> network -> "cannot reach the org: " + network.message();
            default -> String.valueOf(outcome);
        };
    }

    private void report(boolean ok, String what, String fix) {
        if (ok) {
            out.println("  ok    " + what);
        } else {
            problems++;
            out.println("  FIX   " + what + ": " + fix);
        }
    }
}
