"""`pdgraph map`: documents, RDF files or a store -> one self-contained interactive HTML flow map."""
from __future__ import annotations

import sys
from pathlib import PurePath

import click

from .common import (SOURCES_HELP, ProgressBar, input_files, jobs_option, quiet_option, report_problems,
                     sources_or_exit)
from ..errors import PdgraphError
from ..files import OutputFiles
from ..graph.stores import OxigraphStore
from ..map import (AGGREGATE_ABOVE, LAYERS, MapOptions, diff_counts, diff_maps, map_from_sources, map_from_store,
                   render_html, select, should_aggregate)


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
@click.option("--diff", "compare", is_flag=True,
              help="SOURCES are OLD NEW, two versions of one assessment: one map of both, the flows added, "
                   "removed or with another legal basis styled apart (a legend says which).")
@jobs_option
@quiet_option
def map_command(sources: tuple[str, ...], output: str, store_dir: str | None, assessments: tuple[str, ...],
                organization: str | None, focus: str | None, depth: int, layers: str | None, aggregate: bool | None,
                title: str | None, compare: bool, jobs: int | None, quiet: bool) -> None:
    options = MapOptions(assessments=assessments, organization=organization, focus=focus, depth=depth,
                         layers=_layers(layers), title=title)
    if compare:
        _map_diff(sources, output, options, aggregate, jobs, quiet)
        return
    if bool(sources) == bool(store_dir):
        raise click.UsageError("give SOURCES or --store DIR (not both: load documents with pdgraph build --store)")
    problems: list = []
    paths = sources_or_exit(sources, problems) if sources else []
    outputs = OutputFiles(input_files(sources, paths))
    outputs.check(output)  # before any work
    bar = ProgressBar(quiet)
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
    try:
        flow_map = select(whole, options)
        page = render_html(flow_map, aggregate)
    except PdgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    try:
        outputs.write_text(output, page)
    except PdgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    counts = flow_map.counts()
    warnings = sum(1 for e in flow_map.edges.values() if e.warning)
    notes = [f"{warnings} flow(s) without legal basis"] if warnings else []
    if should_aggregate(flow_map, aggregate):
        notes.append("aggregated: one node per 評価実施機関, double-click to expand")
    click.echo(f"{len(flow_map.assessments)} assessment(s), {counts['nodes']} nodes, {counts['edges']} edges"
               f"{''.join(', ' + n for n in notes)} -> {output}")
    sys.exit(status)


def _map_diff(sources: tuple[str, ...], output: str, options: MapOptions, aggregate: bool | None,
              jobs: int | None, quiet: bool) -> None:
    """`pdgraph map OLD NEW --diff`: each version read on its own, then one map of both."""
    if len(sources) != 2:
        raise click.UsageError(f"--diff compares two versions: OLD NEW (got {len(sources)} source(s))")
    outputs = OutputFiles(input_files(sources, list(sources)))
    try:
        outputs.check(output)  # before any work: never over an input
    except PdgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    maps = []
    for source in sources:
        problems: list = []
        bar = ProgressBar(quiet)
        try:
            whole = map_from_sources([source], jobs, bar, problems)
            bar.end()
            if report_problems(problems) or not whole.assessments:
                click.echo(f"error: {source}: no assessment could be read", err=True)
                sys.exit(2)
            maps.append(select(whole, options))
        except PdgraphError as error:
            bar.end()
            click.echo(f"error: {source}: {error}", err=True)
            sys.exit(2)
    names = (PurePath(sources[0]).name, PurePath(sources[1]).name)
    flow_map = diff_maps(maps[0], maps[1], names, options.title)
    try:
        outputs.write_text(output, render_html(flow_map, aggregate))
    except PdgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    counts = diff_counts(flow_map)
    click.echo(f"{names[0]} -> {names[1]}: {counts['added']} flow(s) added, {counts['removed']} removed, "
               f"{counts['changed']} with another legal basis -> {output}")
    sys.exit(1 if any(counts.values()) or any(n.change for n in flow_map.nodes.values()) else 0)
