package sampark.example;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Posts closures to the Sampark ATR API with plain java.net.http.
 *
 * Retry policy: a network failure, a 429 or a 5xx is retried up to MAX_ATTEMPTS times with the SAME
 * Idempotency-Key, so a retry of a request the server did take returns the first answer instead of doing it
 * twice. A 4xx other than 429 is never retried: the request itself must change.
 */
public final class SamparkClient {
    /** The operation this client calls; test/examples checks that /openapi.json documents it. */
    public static final String CLOSURES_PATH = "/v1/closures";

    private static final int MAX_ATTEMPTS = 4;
    /** Doubles after each failed attempt: 0.5 s, 1 s, 2 s. */
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The API answers a closure in well under a second; 30 s is its own request timeout. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final URI base;
    private final String apiKey;

    public SamparkClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /**
     * The API's answer: its status, parsed JSON body (a problem document for 4xx/5xx), and whether it is the stored
     * first answer to this Idempotency-Key (header idempotent-replayed: true) rather than a new one.
     */
    public record Answer(int status, String contentType, Map<String, Object> body, boolean replayed) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public Problem problem() {
            return ok() ? null : Problem.from(status, body);
        }

        /** Members of the request the API did not know and ignored (the unknown-field policy): worth a log line. */
        public List<String> ignoredFields() {
            List<String> names = new ArrayList<>();
            if (body.get("ignoredFields") instanceof List<?> list) for (Object name : list) names.add(String.valueOf(name));
            return names;
        }
    }

    /** One field the API refused, by its dotted path in the request (e.g. citizen.phone). */
    public record FieldError(String field, String message) {}

    /**
     * An RFC 9457 problem document (application/problem+json) with the API's extension members: `error` (a stable
     * code to branch on), `fields` (each refused field) and `requestId` (quote it when reporting a 5xx).
     */
    public record Problem(int status, String error, String title, String detail, List<FieldError> fields, String requestId) {
        static Problem from(int status, Map<String, Object> body) {
            List<FieldError> fields = new ArrayList<>();
            if (body.get("fields") instanceof List<?> list) {
                for (Object item : list) fields.add(new FieldError(Json.string(item, "field"), Json.string(item, "message")));
            }
            String detail = Json.string(body, "detail") != null ? Json.string(body, "detail") : Json.string(body, "message");
            return new Problem(status, Json.string(body, "error"), Json.string(body, "title"), detail, fields, Json.string(body, "requestId"));
        }
    }

    /** POSTs a closure (a JSON document as the portal builds it) under the given Idempotency-Key. */
    public Answer postClosure(String closureJson, String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(CLOSURES_PATH))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(closureJson, StandardCharsets.UTF_8))
                .build();
        return send(request);
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                boolean retryable = response.statusCode() == 429 || response.statusCode() >= 500;
                if (!retryable || attempt == MAX_ATTEMPTS) return answer(response);
            } catch (IOException e) {
                if (attempt == MAX_ATTEMPTS) throw e;
            }
            Thread.sleep(backoff.toMillis());
            backoff = backoff.multipliedBy(2);
        }
    }

    @SuppressWarnings("unchecked")
    private static Answer answer(HttpResponse<String> response) {
        String contentType = response.headers().firstValue("content-type").orElse("");
        // A proxy in between may answer a 502 with HTML: only JSON bodies are parsed.
        Object body = contentType.contains("json") && !response.body().isEmpty() ? Json.parse(response.body()) : Map.of();
        boolean replayed = response.headers().firstValue("idempotent-replayed").map("true"::equals).orElse(false);
        return new Answer(response.statusCode(), contentType, body instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of(), replayed);
    }
}
