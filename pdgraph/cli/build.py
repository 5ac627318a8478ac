"""`pdgraph build`: documents -> TriG / N-Quads and/or a persistent Oxigraph store, one named graph per
assessment, and a short summary."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import PdgraphError
from ..graph.stream import build_corpus
from ..graph.versions import parse_version
from .common import SOURCES_HELP, ProgressBar, jobs_option, quiet_option, report_problems, sources_or_exit


@click.command("build", help=f"""Build the knowledge graph (a named graph per version of an assessment) from documents.

Writes a TriG file (-o graph.trig; N-Quads for a name ending in .nq) and/or adds the graphs to a
persistent Oxigraph store (--store DIR, created if need be), where a document read again
replaces its graph and another version of an assessment is added beside the others (the
summary says which version each document is). Documents are read in worker processes; the output is the same for any
number of workers. {SOURCES_HELP}""")
@click.argument("sources", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="TriG (or .nq: N-Quads) file to write.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Oxigraph store directory to add the graphs to (what query, validate, facts, map and "
                   "pdgraph serve read with --store DIR).")
@jobs_option
@quiet_option
def build(sources: tuple[str, ...], output: str | None, store_dir: str | None, jobs: int | None, quiet: bool) -> None:
    if not output and not store_dir:
        raise click.UsageError("give -o FILE (TriG or .nq), --store DIR, or both")
    paths = sources_or_exit(sources)
    bar = ProgressBar(quiet)
    try:
        result = build_corpus(paths, output, store_dir, jobs, bar)
    except PdgraphError as error:
        bar.end()
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except OSError as error:
        bar.end()
        click.echo(f"error: {output}: cannot write: {error.strerror}", err=True)
        sys.exit(2)
    bar.end()
    targets = " and ".join(t for t in (output, f"store {store_dir} ({result.store_graphs} graph(s) in all)"
                                       if store_dir else None) if t)
    click.echo(f"{len(result.graphs)} assessment graph(s), {result.triples} triples -> {targets}")
    for key, summary in sorted(result.summaries.items()):  # sorted: the same for any order of the inputs
        almost_nothing = f" — only {summary.parts} part(s) of the form recognised" if summary.parts < 2 else ""
        click.echo(f"  {Path(key).name}: {summary.organization or '?'} {summary.kind or ''} "
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
        note += f" — the same version as {Path(kept).name}, which is kept"
    return note
