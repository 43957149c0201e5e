package sampark.example;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The example's command line:
 *   post CLOSURE.json [IDEMPOTENCY-KEY]    POST the closure; prints the answer or each refused field
 *   verify EVENT.json SIGNATURE-HEADER     verify a received event's signature (secret in PORTAL_EVENTS_SECRET)
 *   serve PORT                             receive events on 127.0.0.1:PORT, verified (secret in PORTAL_EVENTS_SECRET)
 * Environment: SAMPARK_API_URL (default http://127.0.0.1:3000), SAMPARK_API_KEY (default npm start's local key).
 * Exit status: 0 success, 1 refused by the API or a bad signature, 2 usage.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("post")) System.exit(post(Path.of(args[1]), args.length > 2 ? args[2] : null));
        if (args.length == 3 && args[0].equals("verify")) System.exit(verify(Path.of(args[1]), args[2]));
        if (args.length == 2 && args[0].equals("serve")) {
            serve(Integer.parseInt(args[1]));
            return;
        }
        System.err.println("usage: post CLOSURE.json [IDEMPOTENCY-KEY] | verify EVENT.json SIGNATURE-HEADER | serve PORT");
        System.exit(2);
    }

    private static int post(Path file, String key) throws Exception {
        SamparkClient client = new SamparkClient(URI.create(env("SAMPARK_API_URL", "http://127.0.0.1:3000")), env("SAMPARK_API_KEY", "local-dev-portal-key"));
        // One key per closure you mean to send, kept with it (e.g. in the portal's own outbox row) and reused on every retry.
        String idempotencyKey = key != null ? key : UUID.randomUUID().toString();
        SamparkClient.Answer answer = client.postClosure(Files.readString(file, StandardCharsets.UTF_8), idempotencyKey);
        if (answer.ok()) {
            // 202: the closure's workflow starts now; 200: this very closure was taken before, nothing new started.
            System.out.printf("%d %s workflowId=%s status=%s%s%n", answer.status(), answer.status() == 202 ? "accepted" : "duplicate",
                    Json.string(answer.body(), "workflowId"), Json.string(answer.body(), "status"), answer.replayed() ? " (replayed)" : "");
            for (String field : answer.ignoredFields()) System.out.printf("  ignored field %s%n", field);
            return 0;
        }
        SamparkClient.Problem problem = answer.problem();
        System.out.printf("%d %s: %s%n", problem.status(), problem.error(), problem.detail() != null ? problem.detail() : problem.title());
        for (SamparkClient.FieldError field : problem.fields()) System.out.printf("  field %s: %s%n", field.field(), field.message());
        if (problem.requestId() != null) System.out.printf("  requestId %s%n", problem.requestId());
        return 1;
    }

    private static void serve(int port) throws Exception {
        String secret = eventsSecret();
        if (secret == null) System.exit(2);
        new EventReceiver(new EventVerifier(secret)).listen(port);
        System.out.println("listening on 127.0.0.1:" + port);
    }

    private static String eventsSecret() {
        String secret = System.getenv("PORTAL_EVENTS_SECRET");
        if (secret != null && !secret.isEmpty()) return secret;
        System.err.println("set PORTAL_EVENTS_SECRET to the secret shared with Sampark ATR");
        return null;
    }

    private static int verify(Path file, String signatureHeader) throws Exception {
        String secret = eventsSecret();
        if (secret == null) return 2;
        try {
            EventVerifier.Event event = new EventVerifier(secret).verifyAndParse(Files.readAllBytes(file), signatureHeader);
            System.out.printf("valid id=%s type=%s grievanceId=%s cycle=%d sequence=%d%n", event.id(), event.type(), event.grievanceId(), event.cycle(), event.sequence());
            return 0;
        } catch (SecurityException e) {
            System.out.println("invalid signature: " + e.getMessage());
            return 1;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }
}
