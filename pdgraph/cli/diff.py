"""`pdgraph diff OLD NEW`: what changed between two versions of an assessment (exit 0 none, 1 some, 2 bad input)."""
from __future__ import annotations

import sys

import click

from rdflib import Graph, URIRef

from ..diff import FORMATS, diff_graphs, render
from ..errors import PdgraphError
from ..files import OutputFiles
from ..graph.ingest import assessment_graphs, ingest
from ..graph.stores import OxigraphStore
from ..graph.triples import parse_ntriples
from ..graph.versions import versions_by_assessment

EXIT_SAME, EXIT_CHANGED, EXIT_BAD_INPUT = 0, 1, 2


def _one_assessment(path: str):
    """The one assessment graph a source holds; a message naming the source otherwise."""
    result = ingest([path])
    if result.problems:
        raise click.ClickException(result.problems[0].message)
    graphs = assessment_graphs(result.dataset)
    if len(graphs) != 1:
        raise click.ClickException(f"{path}: holds {len(graphs)} assessments; diff compares one with one")
    return graphs[0]


def _from_store(directory: str, assessment: str | None, old: str | None, new: str | None):
    """Two version graphs of one assessment in a store: NEW (default: the current version) and OLD
    (default: the version before NEW). A version is named by its key or the start of it (its 公表日)."""
    try:
        store = OxigraphStore(directory, read_only=True)
        histories = versions_by_assessment(store.graph_names())
    except PdgraphError as error:
        raise click.ClickException(str(error)) from None
    several = {aid: versions for aid, versions in histories.items() if len(versions) > 1}
    if assessment is None:
        if len(several) != 1:
            listing = ", ".join(several) or "none"
            raise click.ClickException(f"{directory}: give --assessment ID (assessments with several versions: "
                                       f"{listing})")
        assessment = next(iter(several))
    aid = assessment.rstrip("/").rsplit("/", 1)[-1]
    aid = aid if aid in histories else assessment.rstrip("/").split("/graph/")[-1].split("/")[0]
    versions = histories.get(aid)
    if not versions:
        raise click.ClickException(f"{directory}: no assessment {assessment} (ids: {', '.join(histories) or 'none'})")

    def pick(wanted: str | None, default_index: int, what: str):
        if wanted is None:
            if len(versions) + default_index < 0:
                raise click.ClickException(f"{directory}: assessment {aid} has one version only")
            return versions[default_index]
        found = [v for v in versions if v.key.startswith(wanted) or v.name == wanted]
        if len(found) != 1:
            keys = ", ".join(v.key for v in versions)
            raise click.ClickException(f"{directory}: {what} {wanted!r} names {len(found)} versions of {aid} "
                                       f"(its versions, oldest first: {keys})")
        return found[0]

    newer = pick(new, -1, "--new")
    older = pick(old, versions.index(newer) - 1 if new is not None else -2, "--old")
    graphs = []
    for version in (older, newer):
        graph = Graph(identifier=URIRef(version.name))
        graph += parse_ntriples(store.graph_ntriples(version.name))
        graphs.append(graph)
    return graphs


@click.command("diff")
@click.argument("old", required=False, type=click.Path(exists=True, dir_okay=False))
@click.argument("new", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: grouped, Japanese labels; json: machine-readable; html: a self-contained page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Compare two versions held in this Oxigraph store directory (pdgraph build --store) "
                   "instead of OLD and NEW.")
@click.option("--assessment", metavar="ID", help="With --store: the assessment (its id or IRI); needed when "
                                                 "several assessments of the store have versions.")
@click.option("--old", "old_version", metavar="VERSION", help="With --store: the older version, by its key or "
                                                              "公表日 (default: the one before --new).")
@click.option("--new", "new_version", metavar="VERSION", help="With --store: the newer version (default: the "
                                                              "current one).")
def diff(old: str | None, new: str | None, fmt: str, output: str | None, store_dir: str | None,
         assessment: str | None, old_version: str | None, new_version: str | None) -> None:
    """What changed from OLD to NEW, two versions of one assessment (documents or RDF files), or
    between two versions in a store (--store DIR [--assessment ID] [--old V] [--new V]).

    Parts are matched by meaning (recipient, contractor, system and file names, cited
    provisions), not by line; each difference gives document:line on both sides. Differences
    that NEW's 変更箇所 table does not mention are listed as not declared. Exit status: 0 no
    difference, 1 differences, 2 bad input or usage.
    """
    if store_dir is None and (old is None or new is None):
        raise click.UsageError("give OLD and NEW (documents or RDF files), or --store DIR")
    if store_dir is not None and (old or new):
        raise click.UsageError("give OLD and NEW, or --store DIR with --assessment/--old/--new, not both")
    try:
        if store_dir is not None:
            old_graph, new_graph = _from_store(store_dir, assessment, old_version, new_version)
        else:
            old_graph, new_graph = _one_assessment(old), _one_assessment(new)
    except click.ClickException as error:
        click.echo(f"error: {error.format_message()}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    result = diff_graphs(old_graph, new_graph)
    if (result.old.organization, result.old.number) != (result.new.organization, result.new.number):
        click.echo(f"note: {old} and {new} are not the same assessment (評価実施機関 + 評価書番号 differ)", err=True)
    text = render(result, fmt)
    if output:
        try:  # written whole or not at all, never over an input
            OutputFiles([p for p in (old, new) if p]).write_text(output, text)
        except PdgraphError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        counts = result.counts()
        click.echo(f"{counts['differences']} difference(s), {counts['undeclared']} not declared in 変更箇所 -> {output}",
                   err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_CHANGED if result.changed else EXIT_SAME)
