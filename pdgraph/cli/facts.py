"""`pdgraph facts`: one JSON file of facts per assessment, read back out of its graph."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import (SOURCES_HELP, FactsWriter, ProgressBar, input_files, jobs_option, quiet_option,
                     report_problems, sources_or_exit)
from ..errors import PdgraphError
from ..files import OutputFiles
from ..graph.facts import facts_json
from ..graph.ingest import Problem
from ..graph.stream import GraphStream, Outcome, each_graph
from ..graph.versions import SameVersion


def _facts_step(data):
    return facts_json(data.graph) if data.has_assessment else None


@click.command("facts", help=f"""Write the facts JSON of each document, read back out of its graph.

Every version of an assessment gets its own file (<stem>-<version>.json when versions share a
file name).

Documents are read in worker processes; with --store DIR the facts of every assessment in the
store are written without reading any document. {SOURCES_HELP}""")
@click.argument("sources", nargs=-1)
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for one <document-stem>.json per document.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Write the facts of every assessment in this Oxigraph store directory (pdgraph build --store).")
@jobs_option
@quiet_option
def facts(sources: tuple[str, ...], output_dir: str, store_dir: str | None, jobs: int | None, quiet: bool) -> None:
    if bool(sources) == bool(store_dir):
        raise click.UsageError("give SOURCES or --store DIR (not both: load documents with pdgraph build --store)")
    problems: list[Problem] = []
    same_version = SameVersion()
    paths = sources_or_exit(sources, problems) if sources else None
    bar = ProgressBar(quiet)
    try:
        writer = FactsWriter(Path(output_dir), OutputFiles(input_files(sources, paths or [])))
        for event in each_graph(GraphStream(step=_facts_step), paths, store_dir, jobs, bar):
            if isinstance(event, Problem):
                problems.append(event)
            elif isinstance(event, Outcome) and event.extra is not None:
                digest = event.summary.text_sha256 if event.summary is not None else None
                if not same_version.keep(event.name, event.source, digest):
                    continue  # another document of this version is kept, whatever the order
                source, text = event.extra
                writer.write(event.name, text, source)
    except PdgraphError as error:
        bar.end()
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    bar.end()
    click.echo(f"{len(writer.paths())} facts file(s) -> {output_dir}")
    sys.exit(report_problems(problems))
