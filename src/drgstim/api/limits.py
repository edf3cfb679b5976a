"""ASGI middleware that keeps the service answering under load and hostile input.

* :class:`AdmissionControl` lets at most ``max_active`` requests run at once. Each running
  request can then always get a worker thread and a pooled database connection (the pool
  is sized above ``max_active``), so no request ever holds a connection or SQLite's write
  lock while it waits for a thread that is itself waiting for a connection: that circular
  wait is what stalled the service at about 50 concurrent clients. Up to ``max_waiting``
  further requests wait up to ``wait_s`` for a slot; the rest are shed at once with
  ``503`` and ``Retry-After`` (the server stays responsive and recovers when the load
  drops).
* :class:`SecurityHeaders` adds the Content-Security-Policy and friends to every answer.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "AdmissionControl",
    "SecurityHeaders",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# No inline script anywhere (pages load their code from /static); inline *style*
# attributes stay allowed because the chart library sets element styles as it draws.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


async def _send_json(send: Send, status: int, detail: str, headers: list[Any]) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AdmissionControl:
    """Bound the requests in progress; queue a few briefly, shed the rest with 503."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_active: int,
        max_waiting: int,
        wait_s: float,
        retry_after_s: int = 1,
        exempt_prefixes: tuple[str, ...] = ("/static/", "/vendor/", "/docs-assets/"),
    ) -> None:
        self.app = app
        self.max_active = max_active
        self.max_waiting = max_waiting
        self.wait_s = wait_s
        self.retry_after_s = retry_after_s
        self.exempt_prefixes = exempt_prefixes
        self.waiting = 0
        self.shed = 0
        self._slots: anyio.Semaphore | None = None

    def _semaphore(self) -> anyio.Semaphore:
        if self._slots is None:  # created inside the running event loop
            self._slots = anyio.Semaphore(self.max_active)
        return self._slots

    async def _refuse(self, send: Send) -> None:
        self.shed += 1
        await _send_json(
            send,
            503,
            "the service is at capacity; retry after the time in Retry-After",
            [(b"retry-after", str(self.retry_after_s).encode())],
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(self.exempt_prefixes):
            await self.app(scope, receive, send)
            return
        slots = self._semaphore()
        if slots.value == 0:
            if self.waiting >= self.max_waiting:
                await self._refuse(send)
                return
            self.waiting += 1
            try:
                with anyio.move_on_after(self.wait_s) as waited:
                    await slots.acquire()
            finally:
                self.waiting -= 1
            if waited.cancelled_caught:
                await self._refuse(send)
                return
        else:
            await slots.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            slots.release()


class SecurityHeaders:
    """Add the CSP, framing, sniffing and referrer headers; ``Cache-Control: no-store``
    on API answers (they carry patient data)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in _SECURITY_HEADERS:
                    if name not in present:
                        headers.append((name, value))
                if api and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
