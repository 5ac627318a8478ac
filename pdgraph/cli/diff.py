"""`pdgraph diff OLD NEW`: what changed between two versions of an assessment (exit 0 none, 1 some, 2 bad input)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..diff import FORMATS, diff_graphs, render
from ..graph.ingest import assessment_graphs, ingest

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


@click.command("diff")
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.argument("new", type=click.Path(exists=True, dir_okay=False))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: grouped, Japanese labels; json: machine-readable; html: a self-contained page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
def diff(old: str, new: str, fmt: str, output: str | None) -> None:
    """What changed from OLD to NEW, two versions of one assessment (documents or RDF files).

    Parts are matched by meaning (recipient, contractor, system and file names, cited
    provisions), not by line; each difference gives document:line on both sides. Differences
    that NEW's 変更箇所 table does not mention are listed as not declared. Exit status: 0 no
    difference, 1 differences, 2 bad input or usage.
    """
    try:
        old_graph, new_graph = _one_assessment(old), _one_assessment(new)
    except click.ClickException as error:
        click.echo(f"error: {error.format_message()}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    result = diff_graphs(old_graph, new_graph)
    if (result.old.organization, result.old.number) != (result.new.organization, result.new.number):
        click.echo(f"note: {old} and {new} are not the same assessment (評価実施機関 + 評価書番号 differ)", err=True)
    text = render(result, fmt)
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            click.echo(f"error: {output}: cannot write: {error.strerror}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        counts = result.counts()
        click.echo(f"{counts['differences']} difference(s), {counts['undeclared']} not declared in 変更箇所 -> {output}",
                   err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_CHANGED if result.changed else EXIT_SAME)
