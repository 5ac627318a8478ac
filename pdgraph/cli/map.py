"""`pdgraph map`: documents or RDF files -> one self-contained interactive HTML flow map."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import ingest_sources, report_problems
from ..errors import PdgraphError
from ..graph.ingest import ingest
from ..map import AGGREGATE_ABOVE, LAYERS, MapOptions, build_map, diff_counts, diff_maps, render_html, should_aggregate


def _layers(value: str | None) -> tuple[str, ...]:
    if not value:
        return LAYERS
    return tuple(part.strip() for part in value.split(",") if part.strip())


@click.command("map")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
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
@click.option("--diff", "compare", is_flag=True,
              help="SOURCES are OLD NEW, two versions: one map, added and removed flows styled apart.")
def map_command(sources: tuple[str, ...], output: str, assessments: tuple[str, ...], organization: str | None,
                focus: str | None, depth: int, layers: str | None, aggregate: bool | None,
                title: str | None, compare: bool) -> None:
    """Write an interactive HTML map of where personal data comes from and goes to.

    The page works offline: vis-network is inlined and nothing is fetched. With --diff, the
    two SOURCES are an older and a newer version (documents or RDF files): flows only the new
    one has, flows only the old one has and flows whose legal basis changed are drawn in
    their own styles, explained in the legend.
    """
    options = MapOptions(assessments=assessments, organization=organization, focus=focus, depth=depth,
                         layers=_layers(layers), title=title)
    if compare:
        _map_diff(sources, output, options, aggregate)
        return
    result = ingest_sources(sources)
    status = report_problems(result)
    if not any(result.graphs.values()):
        click.echo("error: no assessment could be read from the sources", err=True)
        sys.exit(2)
    try:
        flow_map = build_map(result.dataset, options)
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


def _map_diff(sources: tuple[str, ...], output: str, options: MapOptions, aggregate: bool | None) -> None:
    """`pdgraph map OLD NEW --diff`: each version read on its own, then one map of both."""
    if len(sources) != 2:
        click.echo(f"error: --diff compares two versions: OLD NEW (got {len(sources)} source(s))", err=True)
        sys.exit(2)
    maps = []
    for source in sources:
        result = ingest([source])
        if report_problems(result) or not any(result.graphs.values()):
            click.echo(f"error: {source}: no assessment could be read", err=True)
            sys.exit(2)
        try:
            maps.append(build_map(result.dataset, options))
        except PdgraphError as error:
            click.echo(f"error: {source}: {error}", err=True)
            sys.exit(2)
    names = tuple(Path(s).name for s in sources)
    flow_map = diff_maps(maps[0], maps[1], names, options.title)
    try:
        Path(output).write_text(render_html(flow_map, aggregate), encoding="utf-8")
    except OSError as error:
        click.echo(f"error: {output}: cannot write: {error.strerror}", err=True)
        sys.exit(2)
    counts = diff_counts(flow_map)
    click.echo(f"{names[0]} -> {names[1]}: {counts['added']} flow(s) added, {counts['removed']} removed, "
               f"{counts['changed']} with another legal basis -> {output}")
    sys.exit(1 if any(counts.values()) or any(n.change for n in flow_map.nodes.values()) else 0)
