package sampark.example;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies an event the API POSTs to the portal. The header x-sampark-signature-256 carries
 * "sha256=" + hex(HMAC-SHA256(secret, raw request body)), as Meta signs its webhooks.
 *
 * Verify the RAW bytes as received, before any JSON parsing: re-serialising changes spacing and escapes, and
 * the signature no longer matches. Compare in constant time. Then de-duplicate by the event id: delivery is
 * at least once, so the same event can arrive twice.
 */
public final class EventVerifier {
    public static final String SIGNATURE_HEADER = "x-sampark-signature-256";
    public static final String EVENT_ID_HEADER = "x-sampark-event-id";
    private static final String PREFIX = "sha256=";

    private final SecretKeySpec key;

    public EventVerifier(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The parts of an event a receiver needs first; `data` depends on the type. */
    public record Event(String id, String type, String grievanceId, int cycle, long sequence, String occurredAt, Map<String, Object> data) {}

    /** True when the header is a well-formed signature of exactly these bytes. */
    public boolean verify(byte[] rawBody, String signatureHeader) {
        if (signatureHeader == null || !signatureHeader.startsWith(PREFIX)) return false;
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signatureHeader.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(hmac(rawBody), given);
    }

    /** Verifies, then parses; throws SecurityException when the signature does not match. */
    @SuppressWarnings("unchecked")
    public Event verifyAndParse(byte[] rawBody, String signatureHeader) {
        if (!verify(rawBody, signatureHeader)) throw new SecurityException("signature does not match the body");
        Map<String, Object> event = (Map<String, Object>) Json.parse(new String(rawBody, StandardCharsets.UTF_8));
        Object data = event.get("data");
        return new Event(
                Json.string(event, "id"),
                Json.string(event, "type"),
                Json.string(event, "grievanceId"),
                ((Number) event.get("cycle")).intValue(),
                ((Number) event.get("sequence")).longValue(),
                Json.string(event, "occurredAt"),
                data instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of());
    }

    private byte[] hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
