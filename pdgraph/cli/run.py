"""`pdgraph run`: the main job in one command — graph, facts, SHACL report and flow map of a batch."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import ingest_sources, report_problems, write_facts
from ..graph.ingest import assessment_graphs


@click.command("run")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for graph.trig, facts/, validation.html, validation.txt and map.html.")
def run(sources: tuple[str, ...], output_dir: str) -> None:
    """Build the graph, the facts, the SHACL conformance report and the flow map of SOURCES.

    Exit status: 0 everything conforms, 1 at least one SHACL Violation, 2 a source could not be
    read (reported; the others are still processed).
    """
    from ..map import build_map, render_html
    from ..graph.serialize import trig
    from ..conformance import render as render_report
    from ..conformance import validate_dataset

    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = ingest_sources(sources)
    graphs = assessment_graphs(result.dataset)
    (out / "graph.trig").write_text(trig(result.dataset, graphs), encoding="utf-8")
    facts = write_facts(result, out / "facts")
    report = validate_dataset(result.dataset)
    (out / "validation.html").write_text(render_report(report, "html"), encoding="utf-8")
    (out / "validation.txt").write_text(render_report(report, "text"), encoding="utf-8")
    flow_map = build_map(result.dataset)
    (out / "map.html").write_text(render_html(flow_map), encoding="utf-8")
    counts = report.counts()
    click.echo(f"{len(graphs)} assessment(s), {sum(len(g) for g in graphs)} triples -> {out / 'graph.trig'}")
    click.echo(f"{len(facts)} facts file(s) -> {out / 'facts'}")
    click.echo(f"SHACL: {counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info(s)"
               f" -> {out / 'validation.html'}")
    click.echo(f"flow map: {len(flow_map.nodes)} nodes, {len(flow_map.edges)} edges -> {out / 'map.html'}")
    status = report_problems(result)
    sys.exit(status or (0 if report.conforms else 1))
