"""The `pdgraph` command line: thin, it only translates library results into files, messages
and exit codes (0 ok, 1 findings, 2 bad input or usage)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .cli_support import progress, report_problems, write_facts
from .pipeline import Ingested, assessment_graphs, ingest

_report_problems = report_problems  # used by the other command modules


def _ingest(sources: tuple[str, ...]) -> Ingested:
    return ingest(sources, progress=progress(len(sources)))


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
    result = _ingest(sources)
    written = write_facts(result, Path(output_dir))
    click.echo(f"{len(written)} facts file(s) -> {output_dir}")
    sys.exit(_report_problems(result))


from .map_cli import map_command; main.add_command(map_command)  # noqa: E402,E702
from .query_cli import analyze, query; main.add_command(query); main.add_command(analyze)  # noqa: E402,E702
from .validate_cli import validate; main.add_command(validate)  # noqa: E402,E702

from .run_cli import run; main.add_command(run)  # noqa: E402,E702

if __name__ == "__main__":  # pragma: no cover
    main()
