"""`pdgraph build`: documents -> TriG / N-Quads / Turtle / JSON-LD and/or a persistent Oxigraph store, one named graph per
assessment, and a short summary."""
from __future__ import annotations

import sys

import click

from ..errors import PdgraphError
from ..files import OutputFiles, shown_path
from ..graph.serialize import DATASET_FORMATS
from ..graph.stream import build_corpus
from ..graph.versions import parse_version
from .common import (SOURCES_HELP, ProgressBar, input_files, jobs_option, quiet_option, report_problems,
                     sources_or_exit)


@click.command("build", help=f"""Build the knowledge graph (a named graph per version of an assessment) from documents.

Writes a file in the RDF format its name ends with (-o graph.trig: TriG, .nq: N-Quads, .ttl: Turtle
of the union with each triple's graph recorded, .jsonld: JSON-LD with its context inline; --format
overrides the suffix, any other suffix is refused) and/or adds the graphs to a persistent Oxigraph
store (--store DIR, created if need be), where a document read again replaces its graph and
another version of an assessment is added beside the others (the summary says which version each
document is). Documents are read in worker processes; the output is the same for any
number of workers. {SOURCES_HELP}""")
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="RDF file to write: .trig, .nq, .ttl or .jsonld (docs/outputs.md, \"RDF formats\").")
@click.option("--format", "fmt", type=click.Choice(list(DATASET_FORMATS)), default=None,
              help="The format of -o, whatever its suffix.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Oxigraph store directory to add the graphs to (what query, validate, facts, map and "
                   "pdgraph serve read with --store DIR).")
@jobs_option
@quiet_option
def build(sources: tuple[str, ...], output: str | None, fmt: str | None, store_dir: str | None, jobs: int | None,
          quiet: bool) -> None:
    if not output and not store_dir:
        raise click.UsageError("give -o FILE (.trig, .nq, .ttl or .jsonld), --store DIR, or both")
    if fmt and not output:
        raise click.UsageError("--format is the format of -o FILE: give -o")
    problems: list = []
    paths = sources_or_exit(sources, problems)
    outputs = OutputFiles(input_files(sources, paths))
    bar = ProgressBar(quiet)
    try:
        if output:
            outputs.check(output)  # before any work
        result = build_corpus(paths, output, store_dir, jobs, bar, fmt=fmt, outputs=outputs)
    except PdgraphError as error:
        bar.end()
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    bar.end()
    result.problems[:0] = problems
    targets = " and ".join(t for t in (output, f"store {store_dir} ({result.store_graphs} graph(s) in all)"
                                       if store_dir else None) if t)
    click.echo(f"{len(result.graphs)} assessment graph(s), {result.triples} triples -> {targets}")
    for key, summary in sorted(result.summaries.items()):  # sorted: the same for any order of the inputs
        almost_nothing = f" — only {summary.parts} part(s) of the form recognised" if summary.parts < 2 else ""
        click.echo(f"  {shown_path(key)}: {summary.organization or '?'} {summary.kind or ''} "
                   f"No.{summary.number or '?'}: {summary.files} file(s), {summary.flows} 提供/移転 entr(ies)"
                   f"{_version_note(result, key, summary)}{almost_nothing}")
    sys.exit(report_problems(result))


def _version_note(result, key: str, summary) -> str:
    """``, version 2021-04-01 (2 of 2, current)`` when the assessment has several versions; says
    when another document of the same version was kept instead."""
    name = result.sources.get(key, "")
    version = parse_version(name)
    if version is None:
        return ""
    note = ""
    keys = result.versions.get(version.aid, [version.key])
    if len(keys) > 1:
        position = keys.index(version.key) + 1
        note = f", version {version.key} ({position} of {len(keys)}{', current' if position == len(keys) else ''})"
    kept = result.same_version.source_of(name)
    if kept is not None and kept != key:
        note += f" — the same version as {shown_path(kept)}, which is kept"
    return note
