package sampark.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * A minimal event receiver (the JDK's own HTTP server): verifies each POST's signature over the raw body, drops an
 * event id it has already processed, prints the event, and answers 200. A bad signature gets 401 and is not
 * processed. A real portal stores the event (and its id, for de-duplication) in its database before answering 2xx:
 * until it answers 2xx the feed sends the event again, with backoff, and the grievance's later events wait behind it.
 */
public final class EventReceiver {
    /** Ids already processed; a real portal keeps these in its database, for as long as retries can arrive. */
    private final Set<String> seen = new HashSet<>();
    private final EventVerifier verifier;

    public EventReceiver(EventVerifier verifier) {
        this.verifier = verifier;
    }

    /** Listens on 127.0.0.1:port, one request at a time (so events are handled in the order they arrive). */
    public HttpServer listen(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.start();
        return server;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] raw = in.readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst(EventVerifier.SIGNATURE_HEADER);
            EventVerifier.Event event;
            try {
                event = verifier.verifyAndParse(raw, signature);
            } catch (SecurityException e) {
                System.out.println("refused: invalid signature");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (!seen.add(event.id())) {
                System.out.printf("duplicate id=%s%n", event.id());
            } else {
                System.out.printf("event id=%s type=%s grievanceId=%s cycle=%d sequence=%d%n", event.id(), event.type(), event.grievanceId(), event.cycle(), event.sequence());
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }
}
