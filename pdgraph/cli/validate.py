"""`pdgraph validate`: the thin CLI over `pdgraph.conformance` (exit 0 conforms, 1 Violation, 2 bad input/usage)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import progress
from ..errors import PdgraphError
from ..conformance import ENGINES, FORMATS, load_shapes, render, validate_paths

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: grouped by assessment; json: machine-readable results; ttl: the SHACL validation "
                   "report graph; html: a self-contained page for reviewers.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to this file instead of standard output.")
@click.option("--engine", type=click.Choice(("auto", *ENGINES)), default="auto", show_default=True,
              help="SHACL engine: pyshacl is the reference; pyrudof runs the same shapes.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one per CPU).")
@click.option("--lang", type=click.Choice(("ja", "en", "both")), default="both", show_default=True,
              help="Language of the messages in text, json and html reports.")
@click.option("--shapes", "shape_paths", multiple=True, type=click.Path(exists=True),
              help="SHACL shapes file or directory (repeatable; default: the project's shapes/*.ttl).")
def validate(sources: tuple[str, ...], fmt: str, output: str | None, engine: str, jobs: int | None,
             lang: str, shape_paths: tuple[str, ...]) -> None:
    """Check legal-basis conformance of assessments (documents or RDF: .trig, .ttl, .nq) with SHACL.

    Every finding names its assessment, severity, message (日本語 / English), offending value and
    document:line. Exit status: 0 no Violation (Warnings and Infos allowed), 1 at least one
    Violation, 2 bad input or usage.
    """
    try:
        shapes = load_shapes(shape_paths or None)
        report = validate_paths(sources, shapes, engine, jobs, progress=progress(len(sources)))
        text = render(report, fmt, lang, shapes)
    except PdgraphError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        counts = report.counts()
        click.echo(f"{len(report.results)} assessment(s): {counts['Violation']} violation(s), "
                   f"{counts['Warning']} warning(s), {counts['Info']} info(s) -> {output}", err=True)
    else:
        click.echo(text, nl=False)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    if output or fmt != "text":  # the text report already lists them
        for problem in report.problems:
            click.echo(f"error: {problem.message}", err=True)
    if report.problems:
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(EXIT_OK if report.conforms else EXIT_VIOLATION)
