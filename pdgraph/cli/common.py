"""Small helpers shared by the click commands (progress lines, problem reports)."""
from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

import click

from ..graph.ingest import Ingested, ingest


class BadInput(click.ClickException):
    """A library error shown as ``error: message``, exit code 2 (bad input)."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def progress(total: int) -> Callable[[str], None]:
    """Per-document progress on stderr (a batch of thousands should show it is alive)."""
    state = {"done": 0}

    def report(path: str) -> None:
        state["done"] += 1
        if total > 1:
            click.echo(f"[{state['done']}/{total}] {path}", err=True)

    return report


def report_problems(result: Ingested) -> int:
    """Print each problem of a batch; 2 when there was any (bad input), else 0."""
    for problem in result.problems:
        click.echo(f"error: {problem.message}", err=True)
    return 2 if result.problems else 0


def write_facts(result: Ingested, out: Path) -> list[Path]:
    """One ``<document-stem>.json`` per assessment graph, read back out of the graph and schema-checked."""
    from ..graph.facts import facts_from_graph, validate_facts

    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for names in result.graphs.values():
        for name in names:
            data = facts_from_graph(result.dataset.graph(name))
            validate_facts(data)
            stem = Path(data["source"]).stem if data["source"] else str(name).rsplit("/", 1)[-1]
            if stem in written:  # two graphs from documents with the same file name
                stem = f"{stem}-{str(name).rsplit('/', 1)[-1]}"
            written[stem] = out / f"{stem}.json"
            written[stem].write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return list(written.values())


def ingest_sources(sources: tuple[str, ...]) -> Ingested:
    """Ingest a batch of documents and RDF files with progress lines on stderr."""
    return ingest(sources, progress=progress(len(sources)))


SOURCES_HELP = "SOURCES are documents and RDF files."


@contextlib.contextmanager
def corpus_store(sources: tuple[str, ...], store_dir: str | None, quiet: bool = False):
    """The store to ask (export, report): SOURCES ingested, or a store directory. Yields the
    store and the exit status of loading (2 when a source was bad); exits 2 on bad usage or
    when nothing can be read."""
    from ..graph.stores import OxigraphStore

    if bool(sources) == bool(store_dir):
        raise click.UsageError("give SOURCES or --store DIR (not both: load documents with pdgraph build --store)")
    if store_dir:
        store = OxigraphStore(store_dir)
        status = 0
    else:
        result = ingest_sources(sources)
        status = report_problems(result)
        store = OxigraphStore()
        store.add_dataset(result.dataset)
    if not store.graph_count():
        click.echo("error: no assessment could be read from the " + ("store" if store_dir else "sources"), err=True)
        sys.exit(2)
    yield store, status


def corpus_validation(sources: tuple[str, ...], store_dir: str | None, quiet: bool = False):
    """The SHACL report of the same corpus."""
    from ..conformance import validate_paths

    return validate_paths(sources)
