package dev.unsubsync.emulator.http;

import dev.unsubsync.emulator.domain.ApiUsage;
import dev.unsubsync.emulator.domain.FieldDef;
import dev.unsubsync.emulator.domain.Identity;
import dev.unsubsync.emulator.domain.Org;
import dev.unsubsync.emulator.domain.SObjectType;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the org and its objects are: the API versions and a version's resources, describe global, an object's basic
 * information and its full describe (with {@code If-Modified-Since}), and the daily limits.
 */
@Controller("/services/data")
public class DescribeController {

    private final Org org;
    private final ApiUsage usage;

    public DescribeController(Org org, ApiUsage usage) {
        this.org = org;
        this.usage = usage;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    public List<Map<String, String>> versions() {
        List<Map<String, String>> versions = new ArrayList<>();
        for (int v = 58; v <= 64; v++) {
            versions.add(Map.of("label", "v" + v + ".0", "url", "/services/data/v" + v + ".0", "version", v + ".0"));
        }
        return versions;
    }

    /** The resources of one API version, by name ({@code GET /services/data/vXX.X}). */
    @Get(value = "/{version}", produces = MediaType.APPLICATION_JSON)
    public Map<String, String> resources(@PathVariable String version) {
        Map<String, String> resources = new TreeMap<>();
        for (String name : List.of("composite", "identity", "jobs", "limits", "query", "queryAll", "sobjects")) {
            resources.put(name, "/services/data/" + version + "/" + name);
        }
        resources.put("identity", "/id/" + Identity.ORG_ID + "/" + Identity.USER_ID);
        return resources;
    }

    /** Describe global ({@code GET /sobjects}): every sObject this org has, with its URLs. */
    @Get(value = "/{version}/sobjects", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> describeGlobal(@PathVariable String version) {
        List<Map<String, Object>> sobjects = new ArrayList<>();
        for (SObjectType type : org.schema().types()) {
            sobjects.add(sObjectSummary(version, type.name(), type.prefix(), true));
        }
        sobjects.add(sObjectSummary(version, "Organization", "00D", false));
        sobjects.add(sObjectSummary(version, "User", "005", false));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("encoding", "UTF-8");
        body.put("maxBatchSize", DataController.MAX_COLLECTION_RECORDS);
        body.put("sobjects", sobjects);
        return body;
    }

    /** An sObject's basic information ({@code GET /sobjects/{type}}): its summary and the recently viewed (none here). */
    @Get(value = "/{version}/sobjects/{type}", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> basicInfo(@PathVariable String version, @PathVariable String type) {
        SObjectType sObject = org.schema().require(type);
        return Map.of("objectDescribe", sObjectSummary(version, sObject.name(), sObject.prefix(), true), "recentItems", List.of());
    }

    private static Map<String, Object> sObjectSummary(String version, String name, String prefix, boolean writable) {
        String base = "/services/data/" + version + "/sobjects/" + name;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", name);
        summary.put("label", name);
        summary.put("labelPlural", name + "s");
        summary.put("keyPrefix", prefix);
        summary.put("custom", false);
        summary.put("queryable", true);
        summary.put("retrieveable", true);
        summary.put("searchable", writable);
        summary.put("createable", writable);
        summary.put("updateable", writable);
        summary.put("deletable", writable);
        summary.put("urls", Map.of("sobject", base, "describe", base + "/describe", "rowTemplate", base + "/{ID}"));
        return summary;
    }

    @Get(value = "/{version}/limits", produces = MediaType.APPLICATION_JSON)
    public Map<String, Object> limits(@PathVariable String version) {
        return Map.of("DailyApiRequests", Map.of("Max", usage.max(), "Remaining", usage.max() - usage.used()));
    }

    @Get(value = "/{version}/sobjects/{type}/describe", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<?> describe(@PathVariable String version, @PathVariable String type,
            @Nullable @Header("If-Modified-Since") String ifModifiedSince) {
        SObjectType sObject = org.schema().require(type);
        Instant schemaModified = org.schemaModified();
        if (ifModifiedSince != null && !schemaModified.isAfter(parseHttpDate(ifModifiedSince))) {
            return HttpResponse.notModified();
        }
        List<Map<String, Object>> fields = new ArrayList<>();
        for (FieldDef field : sObject.fields()) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", field.name());
            f.put("label", field.label());
            f.put("type", field.type());
            f.put("updateable", field.updateable());
            f.put("createable", field.createable());
            f.put("nillable", field.nillable());
            f.put("custom", field.custom());
            f.put("length", field.length());
            f.put("soapType", switch (field.type()) {
                case "boolean" -> "xsd:boolean";
                case "datetime" -> "xsd:dateTime";
                case "id", "reference" -> "tns:ID";
                default -> "xsd:string";
            });
            fields.add(f);
        }
        String base = "/services/data/" + version + "/sobjects/" + sObject.name();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", sObject.name());
        body.put("label", sObject.name());
        body.put("labelPlural", sObject.name() + "s");
        body.put("keyPrefix", sObject.prefix());
        body.put("custom", false);
        body.put("createable", true);
        body.put("updateable", true);
        body.put("queryable", true);
        body.put("fields", fields);
        body.put("urls", Map.of("sobject", base, "describe", base + "/describe", "rowTemplate", base + "/{ID}"));
        return HttpResponse.ok(body).header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(schemaModified.atZone(ZoneOffset.UTC)));
    }

    private static Instant parseHttpDate(String value) {
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
