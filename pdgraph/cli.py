"""The `pdgraph` command line: thin, it only translates library results into files, messages
and exit codes (0 ok, 1 findings, 2 bad input or usage)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .pipeline import Ingested, assessment_graphs, ingest


def _progress(total: int):
    """Per-document progress on stderr (a batch of thousands should show it is alive)."""
    state = {"done": 0}

    def report(path: str) -> None:
        state["done"] += 1
        if total > 1:
            click.echo(f"[{state['done']}/{total}] {path}", err=True)

    return report


def _report_problems(result: Ingested) -> int:
    for problem in result.problems:
        click.echo(f"error: {problem.message}", err=True)
    return 2 if result.problems else 0


def _ingest(sources: tuple[str, ...]) -> Ingested:
    return ingest(sources, progress=_progress(len(sources)))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pdgraph")
def main() -> None:
    """Knowledge graphs of personal-data flows from 特定個人情報保護評価書 (My Number Act PIAs)."""


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="TriG file to write.")
def build(sources: tuple[str, ...], output: str) -> None:
    """Build the knowledge graph (TriG, one named graph per assessment) from documents."""
    from .serialize import trig

    result = _ingest(sources)
    graphs = assessment_graphs(result.dataset)
    Path(output).write_text(trig(result.dataset, graphs), encoding="utf-8")
    quads = sum(len(g) for g in graphs)
    click.echo(f"{len(graphs)} assessment graph(s), {quads} triples -> {output}")
    for key, assessment in result.assessments.items():
        flows = sum(len(f.provisions or []) + len(f.transfers or []) for f in assessment.files)
        click.echo(f"  {Path(key).name}: {assessment.organization or '?'} {assessment.kind or ''} "
                   f"No.{assessment.number or '?'}: {len(assessment.files)} file(s), {flows} 提供/移転 entr(ies)")
    sys.exit(_report_problems(result))


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for one <document-stem>.json per document.")
def facts(sources: tuple[str, ...], output_dir: str) -> None:
    """Write the facts JSON of each document, read back out of its graph."""
    from .facts import facts_from_graph, validate_facts

    result = _ingest(sources)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    for key, names in result.graphs.items():
        for name in names:
            data = facts_from_graph(result.dataset.graph(name))
            validate_facts(data)
            stem = Path(data["source"]).stem if data["source"] else str(name).rsplit("/", 1)[-1]
            if stem in written:  # two graphs from documents with the same name
                stem = f"{stem}-{str(name).rsplit('/', 1)[-1]}"
            written.add(stem)
            (out / f"{stem}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    click.echo(f"{len(written)} facts file(s) -> {out}")
    sys.exit(_report_problems(result))


from .map_cli import map_command; main.add_command(map_command)  # noqa: E402,E702
from .validate_cli import validate; main.add_command(validate)  # noqa: E402,E702

if __name__ == "__main__":  # pragma: no cover
    main()
