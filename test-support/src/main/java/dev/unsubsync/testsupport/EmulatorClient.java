package dev.unsubsync.testsupport;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test's own view into Salesforce (the emulator, or any org): plain REST calls to look records up, create and delete
 * them, independent of the client the services use.
 */
public final class EmulatorClient {

    private static final String V = "/services/data/v62.0";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String instanceUrl;
    private final String loginUrl;
    private final String clientId;
    private final String clientSecret;
    private volatile String token;

    public EmulatorClient(String loginUrl, String clientId, String clientSecret) throws IOException, InterruptedException {
        this.loginUrl = loginUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.instanceUrl = authenticate();
    }

    /** Gets a token; answers the instance URL. */
    private String authenticate() throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(loginUrl + "/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> body = json.readValue(response.body(), new TypeReference<>() {
        });
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token refused: " + response.body());
        }
        this.token = (String) body.get("access_token");
        return (String) body.get("instance_url");
    }

    /**
     * Calls the emulator's {@code /__admin} control API (failure injection, limits, field, seed, reset) and answers its
     * state.
     */
    public Map<String, Object> admin(String method, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(loginUrl + "/__admin" + path))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(method + " /__admin" + path + ": " + response.statusCode() + " " + response.body());
        }
        return this.json.readValue(response.body(), new TypeReference<>() {
        });
    }

    /**
     * A Salesforce user edits a record in its page (not an API write: its {@code LastModifiedById} is that user's, and
     * no injected fault refuses it).
     */
    public void editAsUser(String id, Map<String, Object> fields) throws IOException, InterruptedException {
        admin("PATCH", "/records/" + id, json.writeValueAsString(fields));
    }

    /** Records of a SOQL query (first page). */
    public List<Map<String, Object>> query(String soql) throws IOException, InterruptedException {
        Map<String, Object> body = json.readValue(send("GET", V + "/query?q=" + enc(soql), null).body(), new TypeReference<>() {
        });
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) body.get("records");
        return records;
    }

    /** Every record of a SOQL query, following nextRecordsUrl. */
    public List<Map<String, Object>> queryAll(String soql) throws IOException, InterruptedException {
        List<Map<String, Object>> all = new ArrayList<>();
        Map<String, Object> page = json.readValue(send("GET", V + "/query?q=" + enc(soql), null).body(), new TypeReference<>() {
        });
        while (true) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> records = (List<Map<String, Object>>) page.get("records");
            all.addAll(records);
            if (Boolean.TRUE.equals(page.get("done"))) {
                return all;
            }
            page = json.readValue(send("GET", (String) page.get("nextRecordsUrl"), null).body(), new TypeReference<>() {
            });
        }
    }

    /** One record's fields. */
    public Map<String, Object> get(String type, String id) throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", V + "/sobjects/" + type + "/" + id, null);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + type + "/" + id + ": " + response.statusCode() + " " + response.body());
        }
        return json.readValue(response.body(), new TypeReference<>() {
        });
    }

    /** Creates a record and answers its ID. */
    public String create(String type, Map<String, Object> fields) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", V + "/sobjects/" + type, json.writeValueAsString(fields));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("create " + type + ": " + response.statusCode() + " " + response.body());
        }
        return (String) json.readValue(response.body(), new TypeReference<Map<String, Object>>() {
        }).get("id");
    }

    /** Changes fields of a record as a Salesforce user would ({@code PATCH}, answered 204). */
    public void update(String type, String id, Map<String, Object> fields) throws IOException, InterruptedException {
        HttpResponse<String> response = send("PATCH", V + "/sobjects/" + type + "/" + id, json.writeValueAsString(fields));
        if (response.statusCode() != 204) {
            throw new IllegalStateException("update " + type + "/" + id + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Deletes a record (to the recycle bin). */
    public void delete(String type, String id) throws IOException, InterruptedException {
        HttpResponse<String> response = send("DELETE", V + "/sobjects/" + type + "/" + id, null);
        if (response.statusCode() != 204) {
            throw new IllegalStateException("delete " + type + "/" + id + ": " + response.statusCode() + " " + response.body());
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = sendOnce(method, path, body);
        if (response.statusCode() == 401) {
            // The session ended (expired, or revoked by an /__admin reset): one fresh token, one retry.
            authenticate();
            response = sendOnce(method, path, body);
        }
        return response;
    }

    private HttpResponse<String> sendOnce(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(instanceUrl + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
