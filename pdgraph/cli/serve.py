"""`pdgraph serve DIR`: the Oxigraph SPARQL server over a store directory, until Ctrl-C or SIGTERM.

Thin: `pdgraph.graph.server.OxigraphServer` checks and starts the server; this prints the
endpoint URL (alone on the first line of stdout, for scripts), waits, and stops the server
cleanly on SIGINT / SIGTERM (exit 0). Errors (not a store, port in use, binary missing or of
another version) are ``error: …`` with exit 2.
"""
from __future__ import annotations

import signal
import sys
import threading

import click

from ..graph.server import LOOPBACK, OxigraphServer, ServerError
from .common import BadInput


@click.command("serve")
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=True, dir_okay=True))
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="TCP port; 0 = a free port chosen now.")
@click.option("--writable", is_flag=True,
              help="Accept SPARQL updates and Graph Store writes (default: read-only, updates refused with 403).")
@click.option("--host", default=LOOPBACK, show_default=True,
              help="Address to listen on. Only loopback by default: another address exposes the store to the network "
                   "(no authentication).")
@click.option("--query-timeout", "timeout_s", type=click.IntRange(1), default=None,
              help="Seconds after which the server abandons a query (default: none).")
@click.option("--binary", type=click.Path(dir_okay=False), default=None,
              help="The oxigraph server binary (default: the one the oxigraph package installed beside pdgraph).")
def serve(directory: str, port: int, writable: bool, host: str, timeout_s: int | None, binary: str | None) -> None:
    """Serve a store directory (pdgraph query --store oxigraph:DIR) over the SPARQL 1.1 Protocol.

    Prints the query endpoint URL, e.g. http://127.0.0.1:7878/query, for
    pdgraph query NAME --endpoint URL; Ctrl-C stops the server.
    """
    server = OxigraphServer(directory, port=port, writable=writable, host=host, binary=binary, timeout_s=timeout_s)
    stop = threading.Event()
    handled = (signal.SIGINT, signal.SIGTERM)
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in handled}
    try:
        try:
            server.start()
        except ServerError as error:
            raise BadInput(str(error)) from None
        click.echo(server.query_url)
        sys.stdout.flush()
        click.echo(f"oxigraph {server.version} serving {directory} {'read-write' if writable else 'read-only'}; "
                   f"updates: {server.update_url if writable else 'refused'}; Ctrl-C stops it", err=True)
        while not stop.wait(0.2):
            if not server.running():
                code = server.process.returncode if server.process else "?"
                raise BadInput(f"{directory}: the server stopped by itself (exit {code})")
        click.echo("stopping the server", err=True)
    finally:
        server.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
