"""`pdgraph map`: documents, RDF files or a store -> one self-contained interactive HTML flow map."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import SOURCES_HELP, ProgressBar, jobs_option, quiet_option, report_problems, sources_or_exit
from ..errors import PdgraphError
from ..graph.stores import OxigraphStore
from ..map import (AGGREGATE_ABOVE, LAYERS, MapOptions, map_from_sources, map_from_store, render_html, select,
                   should_aggregate)


def _layers(value: str | None) -> tuple[str, ...]:
    if not value:
        return LAYERS
    return tuple(part.strip() for part in value.split(",") if part.strip())


@click.command("map", help=f"""Write an interactive HTML map of where personal data comes from and goes to.

The page works offline: vis-network is inlined and nothing is fetched. Reads documents or RDF
files (in worker processes), or every assessment of a store (--store DIR). {SOURCES_HELP}""")
@click.argument("sources", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Map the assessments of this Oxigraph store directory (pdgraph build --store).")
@click.option("--assessment", "assessments", multiple=True, metavar="ID",
              help="Only this assessment: its id, IRI, or document file name (repeatable).")
@click.option("--organization", metavar="NAME", help="Only assessments of this 評価実施機関 (part of the name).")
@click.option("--focus", metavar="NODE", help="Only the neighbourhood of this node (IRI, name or part of a name).")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(min=0),
              help="Hops around --focus.")
@click.option("--layers", metavar="LIST", help=f"Comma-separated layers to show (default: {','.join(LAYERS)}).")
@click.option("--aggregate/--no-aggregate", default=None,
              help=f"One node per 評価実施機関, expandable (default: when over {AGGREGATE_ABOVE} nodes).")
@click.option("--title", help="Page title (default: from the assessments).")
@jobs_option
@quiet_option
def map_command(sources: tuple[str, ...], output: str, store_dir: str | None, assessments: tuple[str, ...],
                organization: str | None, focus: str | None, depth: int, layers: str | None, aggregate: bool | None,
                title: str | None, jobs: int | None, quiet: bool) -> None:
    if bool(sources) == bool(store_dir):
        raise click.UsageError("give SOURCES or --store DIR (not both: load documents with pdgraph build --store)")
    paths = sources_or_exit(sources) if sources else []
    bar = ProgressBar(quiet)
    problems: list = []
    try:
        if store_dir:
            whole = map_from_store(OxigraphStore(store_dir, read_only=True), progress=bar)
        else:
            whole = map_from_sources(paths, jobs, bar, problems)
    except PdgraphError as error:
        bar.end()
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    bar.end()
    status = report_problems(problems)
    if not whole.assessments:
        click.echo("error: no assessment could be read from the " + ("store" if store_dir else "sources"), err=True)
        sys.exit(2)
    options = MapOptions(assessments=assessments, organization=organization, focus=focus, depth=depth,
                         layers=_layers(layers), title=title)
    try:
        flow_map = select(whole, options)
        page = render_html(flow_map, aggregate)
    except PdgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    try:
        Path(output).write_text(page, encoding="utf-8")
    except OSError as error:
        click.echo(f"error: {output}: cannot write: {error.strerror}", err=True)
        sys.exit(2)
    counts = flow_map.counts()
    warnings = sum(1 for e in flow_map.edges.values() if e.warning)
    notes = [f"{warnings} flow(s) without legal basis"] if warnings else []
    if should_aggregate(flow_map, aggregate):
        notes.append("aggregated: one node per 評価実施機関, double-click to expand")
    click.echo(f"{len(flow_map.assessments)} assessment(s), {counts['nodes']} nodes, {counts['edges']} edges"
               f"{''.join(', ' + n for n in notes)} -> {output}")
    sys.exit(status)
