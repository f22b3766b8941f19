package dev.unsubsync.emulator.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.unsubsync.testsupport.ServiceProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Load harness for the emulator (not a test: it asserts nothing about speed, it measures and prints). Runs the emulator
 * as its own JVM, seeds it, then measures (1) sObject Collections updates of 200 records from several concurrent
 * clients and (2) a Bulk API 2.0 query of every Contact streamed page by page, with the emulator's resident memory
 * before and after.
 *
 * <p>{@code ./mvnw -Pbench -pl salesforce-emulator -am verify -Dbench.records=1000000}
 */
@Tag("bench")
class EmulatorThroughputBench {

    private static final String V = "/services/data/v62.0";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void collectionsUpdatesAndBulkQueryThroughput() throws Exception {
        int records = Integer.getInteger("bench.records", 1_000_000);
        int clients = Integer.getInteger("bench.clients", 4);
        Duration window = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        long seedStart = System.nanoTime();
        try (ServiceProcess emulator = ServiceProcess.start("salesforce-emulator", ServiceProcess.projectRoot(), "salesforce-emulator",
                "dev.unsubsync.emulator.Application",
                Map.of("micronaut.server.port", String.valueOf(port), "emulator.client-id", "bench", "emulator.client-secret", "bench",
                        "emulator.seed-contacts", String.valueOf(records), "emulator.seed-leads", "0",
                        "emulator.daily-api-requests", "100000000"),
                List.of("-Xmx4g", "-XX:+UseParallelGC"), Path.of(System.getProperty("java.io.tmpdir"), "bench-emulator.log"),
                URI.create(url + "/health"), Duration.ofMinutes(10))) {
            System.out.printf("seeded %,d Contacts and started in %.1f s; emulator RSS %d MiB%n", records,
                    (System.nanoTime() - seedStart) / 1e9, rssMiB(emulator.pid()));
            String token = token(url);
            List<String> ids = ids(url, token, Math.min(records, 200 * clients * 50));

            // (1) Collections: each client sends 200-record updates back to back for the window.
            AtomicLong updated = new AtomicLong();
            AtomicLong calls = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long end = System.nanoTime() + window.toNanos();
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    int batch = client;
                    while (System.nanoTime() < end) {
                        int from = (batch * 200) % Math.max(1, ids.size() - 200);
                        StringBuilder body = new StringBuilder("{\"allOrNone\":false,\"records\":[");
                        for (int i = 0; i < 200; i++) {
                            body.append(i == 0 ? "" : ",").append("{\"attributes\":{\"type\":\"Contact\"},\"id\":\"")
                                    .append(ids.get(from + i)).append("\",\"HasOptedOutOfEmail\":true}");
                        }
                        body.append("]}");
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + V + "/composite/sobjects"))
                                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                            throw new IllegalStateException(response.statusCode() + " " + response.body());
                        }
                        updated.addAndGet(200);
                        calls.incrementAndGet();
                        batch += clients;
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("collections: %,d record updates in %,d calls over %.1f s with %d clients = %,.0f records/s (%.1f ms per call)%n",
                    updated.get(), calls.get(), seconds, clients, updated.get() / seconds, seconds * 1000 * clients / calls.get());

            // (2) Bulk API 2.0 query of every Contact, streamed page by page.
            long rssBefore = rssMiB(emulator.pid());
            long queryStart = System.nanoTime();
            Map<String, Object> job = post(url + V + "/jobs/query", token,
                    "{\"operation\":\"query\",\"query\":\"SELECT Id, Email, HasOptedOutOfEmail FROM Contact\"}");
            String jobId = (String) job.get("id");
            while (!"JobComplete".equals(get(url + V + "/jobs/query/" + jobId, token).get("state"))) {
                Thread.onSpinWait();
            }
            long rows = 0;
            int pages = 0;
            String locator = null;
            do {
                HttpResponse<InputStream> page = http.send(HttpRequest.newBuilder(URI.create(url + V + "/jobs/query/" + jobId
                        + "/results?maxRecords=100000" + (locator == null ? "" : "&locator=" + locator)))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(page.body(), StandardCharsets.UTF_8))) {
                    rows += reader.lines().count() - 1;
                }
                locator = page.headers().firstValue("Sforce-Locator").orElse("null");
                pages++;
            } while (!locator.equals("null"));
            double querySeconds = (System.nanoTime() - queryStart) / 1e9;
            System.out.printf("bulk query: %,d rows in %d pages in %.1f s = %,.0f rows/s; emulator RSS %d MiB before, %d MiB after%n",
                    rows, pages, querySeconds, rows / querySeconds, rssBefore, rssMiB(emulator.pid()));
        }
    }

    private String token(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=bench&client_secret=bench")).build(),
                HttpResponse.BodyHandlers.ofString());
        return (String) json.readValue(response.body(), new TypeReference<Map<String, Object>>() {
        }).get("access_token");
    }

    private List<String> ids(String url, String token, int count) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        Map<String, Object> page = get(url + V + "/query?q=" + URLEncoder.encode("SELECT Id FROM Contact LIMIT " + count, StandardCharsets.UTF_8), token);
        while (true) {
            for (Object record : (List<?>) page.get("records")) {
                ids.add((String) ((Map<?, ?>) record).get("Id"));
            }
            if (Boolean.TRUE.equals(page.get("done"))) {
                return ids;
            }
            page = get(url + page.get("nextRecordsUrl"), token);
        }
    }

    private Map<String, Object> get(String url, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readValue(response.body(), new TypeReference<>() {
        });
    }

    private Map<String, Object> post(String url, String token, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return json.readValue(response.body(), new TypeReference<>() {
        });
    }

    private static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
