"""The example's command line (Python 3.9+, standard library only):

    python3 example.py post CLOSURE.json [IDEMPOTENCY-KEY]   POST the closure; prints the answer or each refused field
    python3 example.py verify EVENT.json SIGNATURE-HEADER    verify a received event (secret in PORTAL_EVENTS_SECRET)
    python3 example.py serve PORT                            receive events on 127.0.0.1:PORT, verified (same secret)

Environment: SAMPARK_API_URL (default http://127.0.0.1:3000), SAMPARK_API_KEY (default npm start's local key).
Exit status: 0 success, 1 refused by the API or a bad signature, 2 usage.
"""
from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path

from http.server import BaseHTTPRequestHandler, HTTPServer

from sampark_client import SIGNATURE_HEADER, InvalidSignature, SamparkClient, verify_and_parse


def post(file: Path, key: str | None) -> int:
    client = SamparkClient(os.environ.get("SAMPARK_API_URL") or "http://127.0.0.1:3000", os.environ.get("SAMPARK_API_KEY") or "local-dev-portal-key")
    # One key per closure you mean to send, kept with it (e.g. in the portal's own outbox row) and reused on every retry.
    answer = client.post_closure(json.loads(file.read_text(encoding="utf-8")), key or str(uuid.uuid4()))
    if answer.ok:
        # 202: the closure's workflow starts now; 200: this very closure was taken before, nothing new started.
        outcome = "accepted" if answer.status == 202 else "duplicate"
        replayed = " (replayed)" if answer.replayed else ""
        print(f"{answer.status} {outcome} workflowId={answer.body.get('workflowId')} status={answer.body.get('status')}{replayed}")
        for name in answer.ignored_fields:
            print(f"  ignored field {name}")
        return 0
    problem = answer.problem()
    assert problem is not None
    print(f"{problem.status} {problem.error}: {problem.detail or problem.title}")
    for f in problem.fields:
        print(f"  field {f.field}: {f.message}")
    if problem.request_id:
        print(f"  requestId {problem.request_id}")
    return 1


def events_secret() -> str | None:
    secret = os.environ.get("PORTAL_EVENTS_SECRET")
    if not secret:
        print("set PORTAL_EVENTS_SECRET to the secret shared with Sampark ATR", file=sys.stderr)
    return secret


def serve(port: int) -> int:
    """A minimal event receiver: verifies each POST's signature over the raw body, drops an event id it has already
    processed, prints the event, answers 200; a bad signature gets 401. A real portal stores the event (and its id,
    for de-duplication) in its database before answering 2xx: until then the feed sends it again, with backoff."""
    secret = events_secret()
    if not secret:
        return 2
    seen: set[str] = set()  # a real portal keeps these in its database, for as long as retries can arrive

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            try:
                event = verify_and_parse(secret, raw, self.headers.get(SIGNATURE_HEADER))
            except InvalidSignature:
                print("refused: invalid signature", flush=True)
                self.send_response(401)
                self.end_headers()
                return
            if event.id in seen:
                print(f"duplicate id={event.id}", flush=True)
            else:
                seen.add(event.id)
                print(f"event id={event.id} type={event.type} grievanceId={event.grievance_id} cycle={event.cycle} sequence={event.sequence}", flush=True)
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # keep stdout for the events
            pass

    # One request at a time, so events are handled in the order they arrive.
    server = HTTPServer(("127.0.0.1", port), Receiver)
    print(f"listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()
    return 0


def verify(file: Path, signature_header: str) -> int:
    secret = events_secret()
    if not secret:
        return 2
    try:
        event = verify_and_parse(secret, file.read_bytes(), signature_header)
    except InvalidSignature as error:
        print(f"invalid signature: {error}")
        return 1
    print(f"valid id={event.id} type={event.type} grievanceId={event.grievance_id} cycle={event.cycle} sequence={event.sequence}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "post":
        return post(Path(argv[1]), argv[2] if len(argv) > 2 else None)
    if len(argv) == 3 and argv[0] == "verify":
        return verify(Path(argv[1]), argv[2])
    if len(argv) == 2 and argv[0] == "serve":
        return serve(int(argv[1]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8")  # field messages may be in Hindi
    sys.exit(main(sys.argv[1:]))
