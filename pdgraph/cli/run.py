"""`pdgraph run`: the main job in one command — graph, facts, SHACL report and flow map of a batch."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rdflib import URIRef

from .common import (SOURCES_HELP, FactsWriter, ProgressBar, jobs_option, quiet_option, report_problems,
                     sources_or_exit)
from ..errors import PdgraphError
from ..graph.ingest import Problem, is_rdf

# Above this many assessments the flow map is left out unless asked for: a page of 10,000
# assessments is ~230 MB, which no browser opens, and drawing it takes gigabytes.
MAP_LIMIT = 2000


@click.command("run", help=f"""Build the graph, the facts, the SHACL conformance report and the flow map of SOURCES.

Each document is read, mapped, checked and validated once, in a worker process; nothing holds the
whole batch in memory, so it works on a corpus. {SOURCES_HELP} Exit status: 0 everything conforms,
1 at least one SHACL Violation, 2 a source could not be read (reported; the others are still
processed).""")
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for graph.trig, facts/, validation.html, validation.txt and map.html.")
@click.option("--map-limit", default=MAP_LIMIT, show_default=True, type=click.IntRange(min=0),
              help="Leave map.html out above this many assessments (draw parts with pdgraph map --store DIR).")
@jobs_option
@quiet_option
def run(sources: tuple[str, ...], output_dir: str, map_limit: int, jobs: int | None, quiet: bool) -> None:
    from ..conformance import Report, default_engine, load_shapes
    from ..conformance import render as render_report
    from ..conformance import validate_one
    from ..graph.facts import facts_json
    from ..graph.serialize import graph_block
    from ..graph.stream import GraphStream, Outcome, SortedGraphFile, Spill, each_graph
    from ..graph.versions import SameVersion, catalogues, current_graphs
    from ..graph.triples import parse_ntriples
    from ..map import read_map_triples, render_html

    paths = sources_or_exit(sources)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    shapes, engine = load_shapes(), default_engine()

    def step(data):  # in a worker: everything that needs the assessment's triples
        if not data.has_assessment:
            return None
        return facts_json(data.graph), validate_one(data.store_graph, shapes, engine)

    bar = ProgressBar(quiet)
    graph_file = SortedGraphFile(out / "graph.trig")
    facts = FactsWriter(out / "facts")
    spill = Spill(out)
    results: dict[str, object] = {}
    sizes: dict[str, int] = {}
    problems: list[Problem] = []
    same_version = SameVersion()
    started = time.perf_counter()
    try:
        mapped = len(paths) <= map_limit or any(is_rdf(path) for path in paths)  # else no graph waits for the map
        stream = GraphStream(trig=True, ntriples=mapped, step=step)
        for event in each_graph(stream, paths, None, jobs, bar):
            if isinstance(event, Problem):
                problems.append(event)
            elif isinstance(event, Outcome) and event.extra is not None:
                digest = event.summary.text_sha256 if event.summary is not None else None
                if not same_version.keep(event.name, event.source, digest):
                    continue  # the same graph from another source is kept, whatever the order
                (source, text), result = event.extra
                graph_file.add(event.name, event.trig)
                facts.write(event.name, text, source)
                if mapped and len(results) <= map_limit:
                    spill.add(event.name, event.ntriples)
                sizes[event.name] = event.triples
                results[event.name] = result
        for name, triples in catalogues(results).items():  # the versions of each assessment with several
            graph_file.add(name, graph_block(URIRef(name), triples))
        graph_file.close(bar)
        report = Report([results[name] for name in sorted(results)], engine, seconds=time.perf_counter() - started)
        (out / "validation.html").write_text(render_report(report, "html"), encoding="utf-8")
        (out / "validation.txt").write_text(render_report(report, "text"), encoding="utf-8")
        drawn = None
        if len(results) <= map_limit:
            current = set(current_graphs(spill.names()))  # the map draws the current version of each
            drawn = read_map_triples(((name, parse_ntriples(block)) for name, block in spill.items()
                                      if name in current))
            (out / "map.html").write_text(render_html(drawn), encoding="utf-8")
    except PdgraphError as error:
        bar.end()
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    finally:
        spill.close()
        graph_file.discard()  # nothing left behind when the run stops early (after close: nothing to do)
    bar.end()
    counts = report.counts()
    click.echo(f"{len(results)} assessment(s), {sum(sizes.values())} triples -> {out / 'graph.trig'}")
    click.echo(f"{len(facts.paths())} facts file(s) -> {out / 'facts'}")
    click.echo(f"SHACL: {counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info(s)"
               f" -> {out / 'validation.html'}")
    if drawn is not None:
        click.echo(f"flow map: {len(drawn.nodes)} nodes, {len(drawn.edges)} edges -> {out / 'map.html'}")
    else:
        click.echo(f"flow map: left out ({len(results)} assessments > --map-limit {map_limit}); draw a part with "
                   f"pdgraph map --store DIR --organization NAME")
    status = report_problems(problems)
    sys.exit(status or (0 if report.conforms else 1))
