"""Helpers for the tests that start real SPARQL servers: store directories loaded with documents,
and small misbehaving HTTP servers (an HTML page, a JSON answer cut short, a slow answer) that a
SPARQL client must report instead of trusting."""
from __future__ import annotations

import gc
import http.server
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pdgraph.graph.stores import OxigraphStore, load_sources


def load_store(directory: Path, sources: Sequence[Path]) -> Path:
    """An Oxigraph store directory holding the sources (as ``pdgraph query --store oxigraph:DIR``
    loads it), closed again so a server can open it."""
    store = OxigraphStore(directory)
    result = load_sources(store, sources)
    assert not result.problems, result.problems
    assert store.graph_count() == len(sources)
    del store
    gc.collect()  # pyoxigraph releases the directory when the Store is freed
    return directory


class _Handler(http.server.BaseHTTPRequestHandler):
    behaviour = "html"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.behaviour == "slow":
            time.sleep(3)
        if self.behaviour == "truncated":
            body, kind = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"uri","value":"urn:x"}},', \
                "application/sparql-results+json"
        elif self.behaviour == "not-results":
            body, kind = b'{"message": "hello"}', "application/json"
        else:
            body, kind = b"<!DOCTYPE html><html><body>Welcome to nginx!</body></html>", "text/html"
        try:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, *args) -> None:
        pass


@contextmanager
def odd_server(behaviour: str) -> Iterator[str]:
    """A local HTTP server that answers every POST wrongly in one way; yields its URL."""
    handler = type("Handler", (_Handler,), {"behaviour": behaviour})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()
