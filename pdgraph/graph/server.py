"""The Oxigraph SPARQL server over a store directory (``pdgraph serve DIR``).

The ``oxigraph`` package on PyPI ships the server binary; it is pinned to the same version as
``pyoxigraph`` (pyproject.toml), so the server opens the directories pdgraph writes: the same
RocksDB layout and storage version. `OxigraphServer` checks that the binary's version has the
same major.minor as pyoxigraph's before it starts it.

The server listens on 127.0.0.1 only (loopback: nothing outside the machine reaches it unless
asked with ``host``), on a given or a free port, read-only unless ``writable``
(``oxigraph serve-read-only`` refuses updates with HTTP 403, and never takes the store's write
lock: other read-only readers may open the directory at the same time; a writer may not), with
the union of the named graphs as the default graph, as the embedded stores query it. Its
endpoints: ``URL/query`` (SPARQL 1.1 Query), ``URL/update`` (Update, writable only) and
``URL/store`` (Graph Store Protocol).

Errors are `ServerError` with a message naming the directory, port or binary: not a store,
port in use, binary missing or of another version, the server stopping at start.
"""
from __future__ import annotations

import collections
import ctypes
import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..errors import PdgraphError

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 120.0  # seconds to open the store and listen (a large store opens in a few)
_LISTENING = re.compile(r"Listening for requests at (\S+)")


class ServerError(PdgraphError):
    """The SPARQL server cannot be started (or stopped) as asked."""


class _PortTaken(ServerError):
    """The server could not bind its port (taken between the check and the start)."""


# --------------------------------------------------------------------------- the binary

def find_binary(explicit: str | Path | None = None) -> Path:
    """The ``oxigraph`` server binary: ``explicit``, else the one installed beside this Python
    (the ``oxigraph`` package's script), else the first on PATH."""
    if explicit:
        path = Path(explicit)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ServerError(f"{path}: no oxigraph server binary here (not an executable file)")
        return path
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServerError("the oxigraph server binary is missing: pip install 'oxigraph==<the pyoxigraph version>' "
                      "(a dependency of pdgraph), or give its path with --binary")


def binary_version(binary: Path) -> str:
    """The version the binary reports (``oxigraph 0.5.13`` → ``0.5.13``)."""
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ServerError(f"{binary}: cannot run it: {error}") from None
    match = re.search(r"(\d+\.\d+\.\d+\S*)", out.stdout)
    if out.returncode != 0 or not match:
        raise ServerError(f"{binary}: not an oxigraph server binary (--version said {out.stdout.strip()!r})")
    return match.group(1)


def pyoxigraph_version() -> str:
    import pyoxigraph

    return pyoxigraph.__version__


def check_version(binary: Path) -> str:
    """The binary's version, if its store format is pyoxigraph's (same major.minor); else `ServerError`."""
    version, ours = binary_version(binary), pyoxigraph_version()
    if version.split(".")[:2] != ours.split(".")[:2]:
        raise ServerError(f"{binary}: oxigraph {version} does not match pyoxigraph {ours}, which wrote the store "
                          f"(install oxigraph=={ours})")
    return version


# --------------------------------------------------------------------------- the store and the port

def is_store(path: Path) -> bool:
    """Whether a directory holds an Oxigraph (RocksDB) store: its ``CURRENT`` manifest pointer."""
    return (path / "CURRENT").is_file()


def check_store(path: Path, writable: bool) -> None:
    """A read-only server needs an existing store; a writable one may also start a new one in a
    missing or empty directory."""
    if is_store(path):
        return
    if writable and (not path.exists() or (path.is_dir() and not any(path.iterdir()))):
        return
    if not path.exists():
        raise ServerError(f"{path}: no such directory (load a store first: pdgraph query stats --store oxigraph:{path} "
                          "DOCS..., or serve it --writable to start an empty one)")
    if not path.is_dir():
        raise ServerError(f"{path}: not a directory (an Oxigraph store is a directory)")
    raise ServerError(f"{path}: not an Oxigraph store (no CURRENT file"
                      f"{'' if writable else '; an empty directory can be served --writable'})")


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port free on ``host`` now (the system's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def check_port(host: str, port: int) -> None:
    """`ServerError` if the port cannot be bound on ``host`` (in use, or reserved)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = "in use" if error.errno == errno.EADDRINUSE else error.strerror or str(error)
            raise ServerError(f"{host}:{port}: the port is {reason}: choose another with --port, "
                              "or leave it out for a free one") from None


def _die_with_parent() -> None:
    """In the child, before exec: Linux sends it SIGTERM when the parent dies (a killed
    ``pdgraph serve`` or test run leaves no server behind)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux / not glibc: nothing to do
        pass


# --------------------------------------------------------------------------- the server

class OxigraphServer:
    """An Oxigraph server process over one store directory; a context manager (stops on exit)."""

    def __init__(self, location: str | Path, port: int | None = None, writable: bool = False,
                 host: str = LOOPBACK, binary: str | Path | None = None, timeout_s: int | None = None):
        self.location = Path(location)
        self.port = port
        self.writable = writable
        self.host = host
        self.binary_hint = binary
        self.timeout_s = timeout_s
        self.process: subprocess.Popen | None = None
        self.version: str | None = None
        self._output: collections.deque[str] = collections.deque(maxlen=50)
        self._listening = threading.Event()

    # the endpoints
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    def command(self, binary: Path) -> list[str]:
        mode = "serve" if self.writable else "serve-read-only"
        args = [str(binary), mode, "--location", str(self.location), "--bind", f"{self.host}:{self.port}",
                "--union-default-graph"]
        if self.timeout_s:
            args += ["--timeout-s", str(self.timeout_s)]
        return args

    def _read_output(self, stream) -> None:
        for line in stream:
            line = line.rstrip()
            self._output.append(line)
            if _LISTENING.search(line):
                self._listening.set()

    def _failure(self) -> str:
        lines = [line for line in self._output if line and not line.lstrip()[:1].isdigit()
                 and "backtrace" not in line.lower() and not line.startswith(" ")]
        errors = [line.removeprefix("Error: ") for line in lines if line.startswith("Error")]
        return (errors or lines or ["no message"])[-1]

    def start(self, start_timeout: float = START_TIMEOUT) -> OxigraphServer:
        """Check the binary, the store and the port; start the server; return once it listens."""
        if ":" in self.host:
            raise ServerError(f"{self.host}: give an IPv4 address or host name to listen on")
        binary = find_binary(self.binary_hint)
        self.version = check_version(binary)
        check_store(self.location, self.writable)
        chosen = self.port is None or self.port == 0
        for attempt in range(3):
            if chosen:  # free now; another process may still take it first: then pick again
                self.port = free_port(self.host)
            else:
                check_port(self.host, self.port)
            try:
                return self._launch(binary, start_timeout)
            except _PortTaken as taken:
                if not chosen or attempt == 2:
                    raise ServerError(str(taken)) from None
        raise AssertionError("unreachable")

    def _launch(self, binary: Path, start_timeout: float) -> OxigraphServer:
        env = {**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"}
        self._output.clear()
        self._listening.clear()
        try:
            self.process = subprocess.Popen(
                self.command(binary), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, encoding="utf-8", errors="replace", env=env,
                start_new_session=True,  # Ctrl-C reaches pdgraph, which stops the server in order
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        except OSError as error:
            raise ServerError(f"{binary}: cannot start it: {error}") from None
        threading.Thread(target=self._read_output, args=(self.process.stdout,), daemon=True).start()
        deadline = time.monotonic() + start_timeout
        while not self._listening.wait(0.05):
            if self.process.poll() is not None:
                time.sleep(0.1)  # let the reader take the last lines
                code, self.process = self.process.returncode, None
                message = self._failure()
                if "in use" in message.lower():
                    raise _PortTaken(f"{self.host}:{self.port}: the port is in use ({message})")
                raise ServerError(f"{self.location}: the server stopped at start (exit {code}): {message}")
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(f"{self.location}: the server did not listen within {start_timeout:g} s")
        return self

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait(self) -> int:
        """Block until the server exits; its exit code."""
        return self.process.wait() if self.process else 0

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; nothing if it is not running."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> OxigraphServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()


__all__ = ["LOOPBACK", "OxigraphServer", "ServerError", "check_port", "check_store", "check_version",
           "find_binary", "free_port", "is_store"]
