"""A local fake LINE Messaging API: a real HTTP server on port 0 recording every request."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.fake_richmenu import FakeRichMenus

# The fake serves LINE's data host (uploads) under this path of the same port.
DATA_HOST_PATH = "/api-data"


@dataclass(frozen=True)
class RecordedRequest:
    """One request LINE would have received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or bytes for an upload
    on_data_host: bool = False  # sent to LINE_API_DATA_BASE_URL (api-data.line.me)
    received_at: float = field(default_factory=time.monotonic)  # when LINE got the request

    @property
    def retry_key(self) -> str | None:
        """The X-Line-Retry-Key header, if any."""
        return self.headers.get("x-line-retry-key")


@dataclass(frozen=True)
class Binary:
    """A body that is not JSON: content people sent (a photo, a PDF), with its type."""

    data: bytes
    content_type: str


@dataclass
class ScriptedAnswer:
    """A programmed answer for the next matching request(s)."""

    method: str
    path_prefix: str
    status: int
    body: Any
    delay: float = 0.0
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    """A threaded server with a listen backlog for many pushes in flight (the default is 5)."""

    request_queue_size = 256
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.connections: set[socket.socket] = set()  # open ones, closed by close_connections
        self.connections_opened = 0
        self._connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self.connections.add(request)
            self.connections_opened += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that closed its kept-alive connection (it stopped) is no error."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """End every kept-alive connection (a stopped LINE answers nobody)."""
        with self._connections_lock:
            open_now = list(self.connections)
        for connection in open_now:
            with contextlib.suppress(OSError):  # closed meanwhile
                connection.shutdown(socket.SHUT_RDWR)


class FakeLine:
    """The recording server; answers like LINE, or as scripted with `answer(...)`.

    With `keep_alive`, it speaks HTTP/1.1 and keeps connections open between calls, as
    api.line.me does (the benchmarks use it: a new TCP connection per call costs the client
    CPU a real deployment does not spend). Without, every call has its own connection.
    """

    def __init__(self, *, keep_alive: bool = False) -> None:
        self.keep_alive = keep_alive
        self.requests: list[RecordedRequest] = []
        # Seconds LINE takes to answer a push or reply (0: at once); scripted delays add to it.
        self.latency = 0.0
        self.in_flight = 0  # message calls being answered right now
        self.most_in_flight = 0  # the most at any moment: how concurrent the client was
        # (request, time.monotonic() when its answer was written): when LINE "accepted" it.
        self.answered: list[tuple[RecordedRequest, float]] = []
        self._scripted: list[ScriptedAnswer] = []
        self._accepted_retry_keys: set[str] = set()
        self.used_reply_tokens: set[str] = set()  # LINE takes each reply token once
        self.rich_menus = FakeRichMenus()
        # What people sent, by message id: LINE's data host serves it (GET …/content).
        self.contents: dict[str, Binary] = {}
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def base_url(self) -> str:
        """Where the SDK should send its requests (LINE_API_BASE_URL)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def data_base_url(self) -> str:
        """Where uploads go (LINE_API_DATA_BASE_URL): LINE's data host, faked on the same port."""
        return self.base_url + DATA_HOST_PATH

    def start(self) -> FakeLine:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (and every connection kept alive)."""
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()

    @property
    def connections_opened(self) -> int:
        """How many TCP connections clients have opened to this server."""
        return self._server.connections_opened

    def answer(
        self,
        method: str,
        path_prefix: str,
        status: int,
        body: Any = None,
        *,
        delay: float = 0.0,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next `times` matching requests with `status`/`body`, after `delay` seconds."""
        with self._lock:
            self._scripted.append(
                ScriptedAnswer(
                    method,
                    path_prefix,
                    status,
                    body if body is not None else {},
                    delay,
                    times,
                    headers or {},
                )
            )

    def add_content(self, message_id: str, data: bytes, content_type: str) -> None:
        """Keep content as if someone had sent it in a message with this id."""
        with self._lock:
            self.contents[message_id] = Binary(data, content_type)

    def requests_to(self, path_prefix: str, method: str = "POST") -> list[RecordedRequest]:
        """Recorded requests whose path starts with `path_prefix`."""
        with self._lock:
            return [
                r for r in self.requests if r.method == method and r.path.startswith(path_prefix)
            ]

    @property
    def replies(self) -> list[RecordedRequest]:
        """Every reply request."""
        return self.requests_to("/v2/bot/message/reply")

    @property
    def pushes(self) -> list[RecordedRequest]:
        """Every push request (including ones answered with an error)."""
        return self.requests_to("/v2/bot/message/push")

    def _next_scripted(self, method: str, path: str) -> ScriptedAnswer | None:
        with self._lock:
            for scripted in self._scripted:
                if scripted.method == method and path.startswith(scripted.path_prefix):
                    scripted.times -= 1
                    if scripted.times <= 0:
                        self._scripted.remove(scripted)
                    return scripted
        return None

    def _default_answer(self, request: RecordedRequest) -> tuple[int, Any]:
        """What real LINE answers, including 409 for a retry key it already accepted."""
        path = request.path
        if request.on_data_host and path.startswith("/v2/bot/message/"):
            message_id = path.removeprefix("/v2/bot/message/").removesuffix("/content")
            with self._lock:
                content = self.contents.get(message_id)
            return (200, content) if content is not None else (404, {"message": "Not found"})
        if request.on_data_host or self.rich_menus.handles(path):
            content_type = request.headers.get("content-type", "")
            return self.rich_menus.answer(
                request.method, path, request.body, content_type, request.on_data_host
            )
        if path.startswith("/v2/bot/message/reply") and isinstance(request.body, dict):
            with self._lock:
                token = str(request.body.get("replyToken"))
                if token in self.used_reply_tokens:
                    return 400, {"message": "Invalid reply token"}
                self.used_reply_tokens.add(token)
        if path.startswith("/v2/bot/message/push") and request.retry_key:
            with self._lock:
                if request.retry_key in self._accepted_retry_keys:
                    return 409, {
                        "message": "The retry key is already accepted",
                        "sentMessages": [{"id": "0", "quoteToken": "q"}],
                    }
                self._accepted_retry_keys.add(request.retry_key)
        if path.startswith(("/v2/bot/message/push", "/v2/bot/message/reply")):
            count = len(request.body.get("messages", [])) if isinstance(request.body, dict) else 0
            return 200, {
                "sentMessages": [{"id": str(i + 1), "quoteToken": "q"} for i in range(count)]
            }
        if path.startswith("/v2/bot/profile/"):
            user_id = path.rsplit("/", 1)[-1]
            return 200, {"userId": user_id, "displayName": f"user-{user_id[-4:]}"}
        if path.startswith("/v2/bot/group/") and path.endswith("/summary"):
            group_id = path.split("/")[4]
            return 200, {"groupId": group_id, "groupName": f"group-{group_id[-4:]}"}
        if path.startswith("/v2/bot/group/") and "/member/" in path:
            user_id = path.rsplit("/", 1)[-1]
            return 200, {"userId": user_id, "displayName": f"member-{user_id[-4:]}"}
        if path.startswith("/v2/bot/message/quota/consumption"):
            return 200, {"totalUsage": len(self.pushes)}
        return 404, {"message": "Not found"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if fake.keep_alive else "HTTP/1.0"
            # Headers and body are written apart: without this, Nagle's algorithm and the
            # client's delayed ACK hold every kept-alive answer for 40 ms.
            disable_nagle_algorithm = fake.keep_alive

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body: Any = raw
                if not self.headers.get("Content-Type", "").startswith("image/"):
                    try:
                        body = json.loads(raw) if raw else None
                    except ValueError:
                        body = raw.decode("utf-8", "replace")
                path, on_data_host = self.path, self.path.startswith(DATA_HOST_PATH + "/")
                if on_data_host:
                    path = path[len(DATA_HOST_PATH) :]
                recorded = RecordedRequest(
                    self.command,
                    path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    on_data_host,
                )
                with fake._lock:
                    fake.requests.append(recorded)
                message_call = self.path.startswith("/v2/bot/message/")
                if message_call:
                    with fake._lock:
                        fake.in_flight += 1
                        fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
                try:
                    self._answer(recorded)
                finally:
                    if message_call:
                        with fake._lock:
                            fake.in_flight -= 1

            def _answer(self, recorded: RecordedRequest) -> None:
                """Answer after LINE's latency: as scripted, or as LINE would."""
                if fake.latency and self.path.startswith("/v2/bot/message/"):
                    time.sleep(fake.latency)  # LINE's round trip, not the test's
                scripted = fake._next_scripted(self.command, recorded.path)
                if scripted is not None:
                    accepted = 200 <= scripted.status < 300
                    if accepted and self.path.startswith("/v2/bot/message/reply"):
                        with fake._lock:  # LINE took the reply: its token is used, at once
                            fake.used_reply_tokens.add(str(recorded.body.get("replyToken")))
                    if scripted.delay:
                        time.sleep(scripted.delay)  # the fake LINE is slow, not the test
                    status, answer, headers = scripted.status, scripted.body, scripted.headers
                else:
                    (status, answer), headers = fake._default_answer(recorded), {}
                content_type = "application/json"
                if isinstance(answer, Binary):  # content someone sent
                    payload, content_type = answer.data, answer.content_type
                elif isinstance(answer, bytes):  # a rich menu image, downloaded
                    payload, content_type = answer, "image/png"
                else:
                    payload = json.dumps(answer).encode()
                # Accepted now: stamped before the client can read the answer (a client may
                # send its next call before this thread runs again after the write).
                accepted_at = time.monotonic()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                    with fake._lock:
                        fake.answered.append((recorded, accepted_at))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): LINE would have carried on too

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        return Handler


def answers(fake_line: FakeLine, chat_of_token: dict[str, str]) -> list[tuple[str, str]]:
    """(chat, text) of every message LINE received in a reply or push, in arrival order."""
    tokens = chat_of_token
    found = []
    for request in fake_line.requests:
        if request.path == "/v2/bot/message/reply":
            chat_id = tokens.get(request.body["replyToken"], request.body["replyToken"])
        elif request.path == "/v2/bot/message/push":
            chat_id = request.body["to"]
        else:
            continue
        found += [(chat_id, message["text"]) for message in request.body["messages"]]
    return found
