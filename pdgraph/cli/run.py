"""`pdgraph run`: the main job in one command — graph, facts, SHACL report and flow map of a batch."""
from __future__ import annotations

import sys
import time

import click
from rdflib import URIRef

from .common import (SOURCES_HELP, FactsWriter, ProgressBar, input_files, jobs_option, quiet_option,
                     report_problems, sources_or_exit)
from ..errors import PdgraphError
from ..files import OutputFiles, shown_path
from ..graph.ingest import Problem, is_rdf
from ..graph.serialize import DATASET_FORMATS

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
              help="Directory for graph.trig (see --graph-format), facts/, validation.html, validation.txt and map.html.")
@click.option("--graph-format", "graph_format", type=click.Choice(list(DATASET_FORMATS)), default="trig",
              show_default=True, help="The RDF format of the graph file (graph.trig, .nq, .ttl or .jsonld).")
@click.option("--map-limit", default=MAP_LIMIT, show_default=True, type=click.IntRange(min=0),
              help="Leave map.html out above this many assessments (draw parts with pdgraph map --store DIR).")
@jobs_option
@quiet_option
def run(sources: tuple[str, ...], output_dir: str, graph_format: str, map_limit: int, jobs: int | None,
        quiet: bool) -> None:
    from ..conformance import Report, default_engine, load_shapes
    from ..conformance import render as render_report
    from ..conformance import validate_one
    from ..graph.facts import facts_json
    from ..graph.stream import GraphStream, Outcome, SortedGraphFile, Spill, each_graph
    from ..graph.versions import SameVersion, catalogues, current_graphs
    from ..graph.triples import parse_ntriples
    from ..map import read_map_triples, render_html

    problems: list[Problem] = []
    paths = sources_or_exit(sources, problems)
    outputs = OutputFiles(input_files(sources, paths))
    out = outputs.directory(output_dir)
    shapes, engine = load_shapes(), default_engine()

    def step(data):  # in a worker: everything that needs the assessment's triples
        if not data.has_assessment:
            return None
        return facts_json(data.graph), validate_one(data.store_graph, shapes, engine)

    bar = ProgressBar(quiet)
    for name in ("validation.html", "validation.txt", "map.html"):
        outputs.check(out / name)  # before any work
    graph_path = out / f"graph{DATASET_FORMATS[graph_format].suffix}"
    graph_file = SortedGraphFile(graph_path, graph_format, outputs)
    spill = Spill(out)
    results: dict[str, object] = {}
    sizes: dict[str, int] = {}
    same_version = SameVersion()
    started = time.perf_counter()
    try:
        facts = FactsWriter(out / "facts", outputs)
        mapped = len(paths) <= map_limit or any(is_rdf(path) for path in paths)  # else no graph waits for the map
        stream = GraphStream(output=graph_format, ntriples=mapped, step=step)
        for event in each_graph(stream, paths, None, jobs, bar):
            if isinstance(event, Problem):
                problems.append(event)
            elif isinstance(event, Outcome) and event.extra is not None:
                digest = event.summary.text_sha256 if event.summary is not None else None
                if not same_version.keep(event.name, event.source, digest):
                    continue  # the same graph from another source is kept, whatever the order
                (source, text), result = event.extra
                result.source = shown_path(event.source)  # reports name the input as given
                graph_file.add(event.name, event.block)
                facts.write(event.name, text, source)
                if mapped and len(results) <= map_limit:
                    spill.add(event.name, event.ntriples)
                sizes[event.name] = event.triples
                results[event.name] = result
        for name, triples in catalogues(results).items():  # the versions of each assessment with several
            graph_file.add(name, DATASET_FORMATS[graph_format].block(URIRef(name), triples))
        graph_file.close(bar)
        report = Report([results[name] for name in sorted(results)], engine, problems=list(problems),
                        seconds=time.perf_counter() - started)
        outputs.write_text(out / "validation.html", render_report(report, "html"))
        outputs.write_text(out / "validation.txt", render_report(report, "text"))
        drawn = None
        if len(results) <= map_limit:
            current = set(current_graphs(spill.names()))  # the map draws the current version of each
            drawn = read_map_triples(((name, parse_ntriples(block)) for name, block in spill.items()
                                      if name in current))
            outputs.write_text(out / "map.html", render_html(drawn))
    except PdgraphError as error:
        bar.end()
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    finally:
        spill.close()
        graph_file.discard()  # nothing left behind when the run stops early (after close: nothing to do)
    bar.end()
    counts = report.counts()
    click.echo(f"{len(results)} assessment(s), {sum(sizes.values())} triples -> {graph_path}")
    click.echo(f"{len(facts.paths())} facts file(s) -> {out / 'facts'}")
    unread = f", {len(problems)} input(s) could not be read" if problems else ""
    click.echo(f"SHACL: {counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info(s)"
               f"{unread} -> {out / 'validation.html'}")
    if drawn is not None:
        click.echo(f"flow map: {len(drawn.nodes)} nodes, {len(drawn.edges)} edges -> {out / 'map.html'}")
    else:
        click.echo(f"flow map: left out ({len(results)} assessments > --map-limit {map_limit}); draw a part with "
                   f"pdgraph map --store DIR --organization NAME")
    status = report_problems(problems)
    sys.exit(status or (0 if report.conforms else 1))
