"""`pdgraph build`: documents -> TriG, one named graph per assessment, and a short summary."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..graph.ingest import assessment_graphs
from ..graph.serialize import trig
from .common import ingest_sources, report_problems


@click.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="TriG file to write.")
def build(sources: tuple[str, ...], output: str) -> None:
    """Build the knowledge graph (TriG, one named graph per assessment) from documents."""
    result = ingest_sources(sources)
    graphs = assessment_graphs(result.dataset)
    Path(output).write_text(trig(result.dataset, graphs), encoding="utf-8")
    quads = sum(len(g) for g in graphs)
    click.echo(f"{len(graphs)} assessment graph(s), {quads} triples -> {output}")
    for key, assessment in result.assessments.items():
        flows = sum(len(f.provisions or []) + len(f.transfers or []) for f in assessment.files)
        parts = len(assessment.sections_seen)
        almost_nothing = f" — only {parts} part(s) of the form recognised" if parts < 2 else ""
        click.echo(f"  {Path(key).name}: {assessment.organization or '?'} {assessment.kind or ''} "
                   f"No.{assessment.number or '?'}: {len(assessment.files)} file(s), {flows} 提供/移転 entr(ies)"
                   f"{almost_nothing}")
    sys.exit(report_problems(result))
