"""Small helpers shared by the click commands: inputs, progress bars, problem reports, facts files."""
from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import click

from ..errors import PdgraphError
from ..graph.versions import parse_version
from ..files import OutputFiles
from ..graph.ingest import Ingested, ingest
from ..graph.sources import expand_sources

PHASE_WIDTH = 10
BAR_WIDTH = 24


class BadInput(click.ClickException):
    """A library error shown as ``error: message``, exit code 2 (bad input)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ProgressBar:
    """One progress bar per phase of a long batch on stderr: count, percent, bar, rate and ETA.

        reading     1234/10000  12% [##.....................]  45.2/s ETA 0:03:14
        reading    10000/10000 100% [#######################]  44.8/s in 0:03:43

    On a terminal the line is redrawn in place (at most every ``interval`` seconds); elsewhere
    (a log file, a pipe) a line is written every ``log_interval`` seconds and when a phase ends.
    Called as ``bar(phase, done, total)`` by the library (`pdgraph.graph.stream.Progress`);
    a phase with total 0 is a single step (e.g. compacting the store) and prints its name.
    Nothing is shown with ``quiet`` or for a batch of one.
    """

    def __init__(self, quiet: bool = False, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 interval: float = 0.2, log_interval: float = 10.0):
        self.quiet = quiet
        self.stream = stream
        self.clock = clock
        self.interval = interval
        self.log_interval = log_interval
        self.phase: str | None = None
        self.started = 0.0
        self.shown = 0.0
        self.last = ""
        self.open = False  # a terminal line waits for its end

    def _out(self) -> TextIO:
        return self.stream if self.stream is not None else sys.stderr

    @property
    def tty(self) -> bool:
        stream = self._out()
        return bool(getattr(stream, "isatty", lambda: False)())

    def line(self, phase: str, done: int, total: int, now: float) -> str:
        """The text of the bar (without line end)."""
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        width = len(str(total))
        filled = BAR_WIDTH * done // total if total else 0
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        percent = 100 * done // total if total else 0
        if done >= total:
            tail = f"in {_clock(elapsed)}"
        else:
            tail = f"ETA {_clock((total - done) / rate)}" if done else "ETA -:--:--"
        return f"{phase:<{PHASE_WIDTH}} {done:>{width}}/{total} {percent:>3}% [{bar}] {rate:>6.1f}/s {tail}"

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.quiet:
            return
        now = self.clock()
        if phase != self.phase:
            self.end()
            self.phase, self.started, self.shown = phase, now, now
            if not total:
                self._write(f"{phase}…", final=True)
                return
        if not total or total < 2 or not done:
            return
        final = done >= total
        if not final and now - self.shown < (self.interval if self.tty else self.log_interval):
            return
        self.shown = now
        self._write(self.line(phase, done, total, now), final)

    def _write(self, text: str, final: bool) -> None:
        out = self._out()
        if self.tty:
            pad = " " * max(0, len(self.last) - len(text))
            out.write("\r" + text + pad + ("\n" if final else ""))
            self.open = not final
        else:
            out.write(text + "\n")
        self.last = "" if final else text
        out.flush()

    def end(self) -> None:
        """Finish a terminal line left open (a phase that stopped early)."""
        if self.open:
            self._out().write("\n")
            self.open = False
        self.phase = None


def quiet_option(function):
    return click.option("-q", "--quiet", is_flag=True, help="No progress bars on stderr.")(function)


def jobs_option(function):
    return click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                        help="Worker processes (default: one per CPU).")(function)


SOURCES_HELP = ("SOURCES are documents and RDF files, directories (searched recursively), quoted glob patterns "
                "('docs/**/*.pdf') or @LIST files naming one path per line.")


def sources_or_exit(arguments: tuple[str, ...], problems: list | None = None) -> list[str]:
    """The paths named by SOURCES (files, directories, globs, @lists).

    An argument that names nothing is a `Problem` appended to ``problems`` (the command reports
    it with the others and exits 2 at the end, after processing the rest); when nothing at all is
    left to read, the command stops here: each problem on stderr, exit 2."""
    found: list = [] if problems is None else problems
    before = len(found)
    paths = expand_sources(arguments, problems=found)
    if not paths and len(found) > before:
        for problem in found[before:]:
            click.echo(f"error: {problem.message}", err=True)
        sys.exit(2)
    return paths


def input_files(arguments: tuple[str, ...], paths: list[str]) -> list[str]:
    """Every file a command reads: its sources and the @list files naming them (never written over)."""
    return [*paths, *(a[1:] for a in arguments if a.startswith("@") and len(a) > 1)]


def progress(total: int, quiet: bool = False) -> Callable[[str], None]:
    """A per-item callback (``report(path)``) drawing a "reading" bar for a batch of ``total``."""
    bar = ProgressBar(quiet)
    state = {"done": 0}

    def report(path: str) -> None:
        state["done"] += 1
        bar("reading", state["done"], total)

    return report


def report_problems(result) -> int:
    """Print each problem of a batch (a result with ``.problems``, or a list); 2 when there was any, else 0."""
    problems = result if isinstance(result, list) else result.problems
    for problem in problems:
        click.echo(f"error: {problem.message}", err=True)
    return 2 if problems else 0


def write_facts(result: Ingested, out: Path, outputs: OutputFiles | None = None) -> list[Path]:
    """One ``<document-stem>.json`` per assessment graph, read back out of the graph and schema-checked."""
    from ..graph.facts import facts_from_graph, validate_facts

    writer = FactsWriter(out, outputs)
    for names in result.graphs.values():
        for name in names:
            data = facts_from_graph(result.dataset.graph(name), sources=True)
            validate_facts(data)
            writer.write(str(name), data)
    return writer.paths()


class FactsWriter:
    """Facts files named after their document: ``<stem>.json``; when graphs of several documents
    share a stem (two versions of one assessment, ``v1/x.txt`` and ``v2/x.txt``), every one of them
    is ``<stem>-<version>.json`` (``<stem>-<assessment id>-<version>.json`` if they are of several
    assessments), whatever the order in which they come. A graph written again replaces its file.
    Each is written whole or not at all, never over an input (`OutputFiles`)."""

    def __init__(self, out: Path, outputs: OutputFiles | None = None):
        self.outputs = outputs if outputs is not None else OutputFiles()
        self.out = self.outputs.directory(out)
        self.written: dict[str, Path] = {}  # graph name -> file
        self.stems: dict[str, set[str]] = {}  # stem -> graph names

    def write(self, name: str, data: dict | str, source: str | None = None) -> Path:
        """Write one facts file; ``data`` is the facts or their JSON text (then give ``source``)."""
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        source = source if isinstance(data, str) else data["source"]
        stem = Path(source).stem if source else name.rsplit("/", 1)[-1]
        if name in self.written:  # the same graph again (another document of one version)
            self.written.pop(name).unlink(missing_ok=True)
            for names in self.stems.values():
                names.discard(name)
        group = self.stems.setdefault(stem, set())
        group.add(name)
        targets = self._targets(stem, group)
        for other in sorted(group - {name}):  # a new clash renames the files already written
            if other in self.written and self.written[other] != targets[other]:
                self.written[other] = self.written[other].rename(targets[other])
        self.written[name] = self.outputs.write_text(targets[name], text)
        return self.written[name]

    def _targets(self, stem: str, names: set[str]) -> dict[str, Path]:
        if len(names) == 1:
            return {n: self.out / f"{stem}.json" for n in names}
        versions = {n: parse_version(n) for n in names}
        one_assessment = len({v.aid if v else n for n, v in versions.items()}) == 1
        suffix = {n: (v.key if one_assessment else f"{v.aid}-{v.key}") if v else n.rsplit("/", 1)[-1]
                  for n, v in versions.items()}
        return {n: self.out / f"{stem}-{suffix[n]}.json" for n in names}

    def paths(self) -> list[Path]:
        return sorted(self.written.values())


def ingest_sources(sources: tuple[str, ...] | list[str], quiet: bool = False) -> Ingested:
    """Ingest a batch of documents and RDF files (in memory) with a progress bar on stderr."""
    return ingest(sources, progress=progress(len(sources), quiet))


@contextlib.contextmanager
def corpus_store(sources: tuple[str, ...], store_dir: str | None, jobs: int | None = None, quiet: bool = False,
                 validate: bool = False):
    """The corpus a whole-corpus output asks (``export ropa``, ``report``): a store directory
    (``--store DIR``, opened read-only), or SOURCES read in worker processes into a temporary
    store directory (`pdgraph.graph.stream.build_corpus`, as ``build --store`` does).

    Yields ``(store, validation, status)``: the read-only store, the SHACL report of every
    assessment in it when ``validate`` (`pdgraph.conformance.validate_store`: each document is
    read once, for both), and the exit status of loading (2 when a source was bad, each reported
    as ``error: …``). Bad usage, an unreadable store, or no assessment at all exit 2.
    """
    from ..conformance import validate_store
    from ..graph.stores import OxigraphStore
    from ..graph.stream import build_corpus

    if bool(sources) == bool(store_dir):
        raise click.UsageError("give SOURCES or --store DIR (not both: load documents with pdgraph build --store)")
    paths = sources_or_exit(sources) if sources else []
    bar = ProgressBar(quiet)
    with tempfile.TemporaryDirectory(prefix="pdgraph-corpus-") as scratch:
        status = 0
        try:
            directory = Path(store_dir) if store_dir else Path(scratch) / "store"
            if paths:
                problems = build_corpus(paths, store=directory, jobs=jobs, progress=bar).problems
                bar.end()
                status = report_problems(problems)
            store = OxigraphStore(directory, read_only=True)
            if store.is_empty():
                bar.end()
                click.echo("error: no assessment could be read from the "
                           + (f"store {store_dir}" if store_dir else "sources"), err=True)
                sys.exit(2)
            del store  # validation opens the directory in its workers
            validation = validate_store(directory, jobs=jobs, progress=bar) if validate else None
            store = OxigraphStore(directory, read_only=True)
        except PdgraphError as error:
            bar.end()
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
        bar.end()
        try:
            yield store, validation, status
        finally:
            del store
