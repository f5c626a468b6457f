"""An HTTP proxy between the phone and the server that can lose sync replies on purpose.

The phone talks to the proxy's origin. When told to, the proxy forwards a sync request (so
the server stores the batch) and then drops the connection instead of answering: the
phone sees a network error after the server acted, the case idempotent ingest exists for.
It also notes each sync exchange (ids sent, status, ids acknowledged or refused), so a test
can check that every acknowledged event is really in the server's database.
"""
from __future__ import annotations

import gzip
import http.client
import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "content-length"}


class FlakyProxy:
    """Forwards everything to 127.0.0.1:upstream_port; loses the replies of chosen sync requests."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.lock = threading.Lock()
        self.cuts_left = 0
        self.cut = 0
        self.syncs = 0
        self.batch_sizes = []
        self.exchanges = []  # one per sync request: the ids sent and what became of them
        self.down = False
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        """The origin the phone uses."""
        return f"http://127.0.0.1:{self.port}"

    def set_down(self, down: bool) -> None:
        """Cut the line (every connection reset at once, as with no network) or mend it."""
        self.down = down

    def lose_sync_replies(self, count: int) -> None:
        """Lose the replies of the next `count` sync requests (after the server has handled them)."""
        with self.lock:
            self.cuts_left = count

    def _take_cut(self) -> bool:
        with self.lock:
            self.syncs += 1
            if self.cuts_left > 0:
                self.cuts_left -= 1
                self.cut += 1
                return True
            return False

    def _note_batch(self, body: bytes, encoding: str) -> dict:
        exchange = {"sent": [], "status": None, "acked": [], "rejected": [], "sent_at": time.time()}
        try:
            data = gzip.decompress(body) if encoding == "gzip" else body
            events = json.loads(data)["events"]
            exchange["sent"] = [e.get("id") for e in events]
            with self.lock:
                self.batch_sizes.append(len(events))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        with self.lock:
            self.exchanges.append(exchange)
        return exchange

    @staticmethod
    def _note_reply(exchange: dict | None, status, data: bytes, encoding: str = "") -> None:
        if exchange is None:
            return
        exchange["status"] = status
        exchange["replied_at"] = time.time()
        try:
            if encoding == "gzip":
                data = gzip.decompress(data)
            elif encoding == "br":
                data = brotli.decompress(data)
            reply = json.loads(data)
            exchange["acked"] = list(reply.get("acked") or [])
            exchange["rejected"] = list(reply.get("rejected") or [])
        except Exception:  # noqa: BLE001 - brotli.error and the like: a reply it cannot read is only not noted
            pass

    def rejected(self) -> list:
        """Every refusal the server sent back (event id and reason), over all sync replies."""
        with self.lock:
            return [r for x in self.exchanges for r in x["rejected"]]

    def acked(self) -> set:
        """Every event id the server acknowledged in a reply that reached the proxy."""
        with self.lock:
            return {i for x in self.exchanges for i in x["acked"]}

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _forward(self):
                if proxy.down:
                    self.close_connection = True
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                exchange = None
                if self.command == "POST" and self.path.startswith("/api/v1/sync") and body:
                    exchange = proxy._note_batch(body, self.headers.get("Content-Encoding", ""))
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    reply = upstream.getresponse()
                    data = reply.read()
                except OSError:
                    proxy._note_reply(exchange, "unreachable", b"")
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                finally:
                    upstream.close()
                proxy._note_reply(exchange, reply.status, data, reply.getheader("Content-Encoding", ""))
                if self.command == "POST" and self.path.startswith("/api/v1/sync") and proxy._take_cut():
                    # The server stored the batch; the phone never hears back.
                    if exchange is not None:
                        exchange["status"] = f"cut after {reply.status}"
                    self.close_connection = True
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not FIN
                    self.connection.close()
                    return
                self.send_response_only(reply.status, reply.reason)
                for key, value in reply.getheaders():
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_HEAD = _forward

        return Handler
