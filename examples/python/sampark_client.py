"""Posts closures to the Sampark ATR API and verifies the events it sends, with Python's standard library only.

Retry policy: a network failure, a 429 or a 5xx is retried up to MAX_ATTEMPTS times with the SAME Idempotency-Key,
so a retry of a request the server did take returns the first answer instead of doing it twice. A 4xx other than
429 is never retried: the request itself must change.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

#: The operation this client calls; test/examples checks that /openapi.json documents it.
CLOSURES_PATH = "/v1/closures"
SIGNATURE_HEADER = "x-sampark-signature-256"
EVENT_ID_HEADER = "x-sampark-event-id"

MAX_ATTEMPTS = 4
#: Doubles after each failed attempt: 0.5 s, 1 s, 2 s.
FIRST_BACKOFF_SECONDS = 0.5
#: The API answers a closure in well under a second; 30 s is its own request timeout.
REQUEST_TIMEOUT_SECONDS = 30


@dataclass
class FieldError:
    """One field the API refused, by its dotted path in the request (e.g. citizen.phone)."""

    field: str
    message: str


@dataclass
class Problem:
    """An RFC 9457 problem document (application/problem+json) with the API's extension members: `error` (a
    stable code to branch on), `fields` (each refused field) and `requestId` (quote it when reporting a 5xx)."""

    status: int
    error: str | None
    title: str | None
    detail: str | None
    fields: list[FieldError] = field(default_factory=list)
    request_id: str | None = None

    @classmethod
    def from_body(cls, status: int, body: dict[str, Any]) -> "Problem":
        fields = [FieldError(f.get("field", ""), f.get("message", "")) for f in body.get("fields") or [] if isinstance(f, dict)]
        return cls(status, body.get("error"), body.get("title"), body.get("detail") or body.get("message"), fields, body.get("requestId"))


@dataclass
class Answer:
    """The API's answer: its status, parsed JSON body (a problem document for 4xx/5xx), and whether it is the stored
    first answer to this Idempotency-Key (header idempotent-replayed: true) rather than a new one."""

    status: int
    content_type: str
    body: dict[str, Any]
    replayed: bool = False

    @property
    def ignored_fields(self) -> list[str]:
        """Members of the request the API did not know and ignored (the unknown-field policy): worth a log line."""
        return [str(name) for name in self.body.get("ignoredFields") or []]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def problem(self) -> Problem | None:
        return None if self.ok else Problem.from_body(self.status, self.body)


class SamparkClient:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    def post_closure(self, closure: dict[str, Any], idempotency_key: str) -> Answer:
        """POSTs a closure (as the portal builds it) under the given Idempotency-Key."""
        body = json.dumps(closure, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            self.base_url + CLOSURES_PATH,
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
                "Accept": "application/json, application/problem+json",
                "Idempotency-Key": idempotency_key,
            },
        )
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> Answer:
        backoff = FIRST_BACKOFF_SECONDS
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:
                    return _answer(response.status, response.headers, response.read())
            except urllib.error.HTTPError as error:  # a 4xx or 5xx with its problem document
                answer = _answer(error.code, error.headers, error.read())
                if (error.code != 429 and error.code < 500) or attempt == MAX_ATTEMPTS:
                    return answer
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                if attempt == MAX_ATTEMPTS:
                    raise
            time.sleep(backoff)
            backoff *= 2
        raise AssertionError("unreachable")


def _answer(status: int, headers: Message, raw: bytes) -> Answer:
    content_type = headers.get("content-type", "")
    # A proxy in between may answer a 502 with HTML: only JSON bodies are parsed.
    body = json.loads(raw.decode("utf-8")) if raw and "json" in content_type else {}
    replayed = headers.get("idempotent-replayed") == "true"
    return Answer(status, content_type, body if isinstance(body, dict) else {}, replayed)


@dataclass
class Event:
    """The parts of an event a receiver needs first; `data` depends on the type."""

    id: str
    type: str
    grievance_id: str
    cycle: int
    sequence: int
    occurred_at: str
    data: dict[str, Any]


class InvalidSignature(Exception):
    pass


def verify_signature(secret: str, raw_body: bytes, signature_header: str | None) -> bool:
    """True when the header is "sha256=" + hex(HMAC-SHA256(secret, raw body)) of exactly these bytes.

    Verify the RAW bytes as received, before any JSON parsing: re-serialising changes spacing and escapes, and the
    signature no longer matches. hmac.compare_digest compares in constant time.
    """
    if not signature_header or not signature_header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    given = signature_header[len("sha256="):].lower().encode("utf-8")
    return hmac.compare_digest(expected.encode("ascii"), given)


def verify_and_parse(secret: str, raw_body: bytes, signature_header: str | None) -> Event:
    """Verifies, then parses. De-duplicate by the id afterwards: delivery is at least once."""
    if not verify_signature(secret, raw_body, signature_header):
        raise InvalidSignature("signature does not match the body")
    event = json.loads(raw_body.decode("utf-8"))
    return Event(event["id"], event["type"], event["grievanceId"], int(event["cycle"]), int(event["sequence"]), event["occurredAt"], event.get("data") or {})
