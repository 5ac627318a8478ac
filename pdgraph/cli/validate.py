"""`pdgraph validate`: the thin CLI over `pdgraph.conformance` (exit 0 conforms, 1 Violation, 2 bad input/usage)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import SOURCES_HELP, ProgressBar, input_files, jobs_option, quiet_option, sources_or_exit
from ..errors import PdgraphError
from ..files import OutputFiles
from ..conformance import ENGINES, FORMATS, load_shapes, render, validate_paths, validate_store

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT = 0, 1, 2


def _shape_files(paths: tuple[str, ...]) -> list[str]:
    """The shapes files read (files, and the .ttl files of directories): never written over."""
    found = []
    for path in map(Path, paths):
        found += sorted(str(p) for p in path.glob("*.ttl")) if path.is_dir() else [str(path)]
    return found


@click.command(help=f"""Check legal-basis conformance of assessments (documents or RDF: .trig, .ttl, .nq) with SHACL.

Every finding names its assessment, severity, message (日本語 / English), offending value and
document:line. Each assessment is validated on its own in a worker process, from the documents
or (--store DIR) from a store made by pdgraph build. {SOURCES_HELP} Exit status: 0 no Violation
(Warnings and Infos allowed), 1 at least one Violation, 2 bad input or usage.""")
@click.argument("sources", nargs=-1)
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Validate every assessment of this Oxigraph store directory (made by pdgraph build --store).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: grouped by assessment; json: machine-readable results; ttl: the SHACL validation "
                   "report graph; html: a self-contained page for reviewers.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--engine", type=click.Choice(("auto", *ENGINES)), default="auto", show_default=True,
              help="SHACL engine: pyshacl is the reference; pyrudof runs the same shapes.")
@jobs_option
@click.option("--lang", type=click.Choice(("ja", "en", "both")), default="both", show_default=True,
              help="Language of the messages in text, json and html reports.")
@click.option("--shapes", "shape_paths", multiple=True, type=click.Path(exists=True),
              help="SHACL shapes file or directory (repeatable; default: the project's shapes/*.ttl).")
@quiet_option
def validate(sources: tuple[str, ...], store_dir: str | None, fmt: str, output: str | None, engine: str,
             jobs: int | None, lang: str, shape_paths: tuple[str, ...], quiet: bool) -> None:
    if bool(sources) == bool(store_dir):
        raise click.UsageError("give SOURCES or --store DIR (not both: load documents with pdgraph build --store)")
    unread: list = []
    paths = sources_or_exit(sources, unread) if sources else []
    outputs = OutputFiles([*input_files(sources, paths), *_shape_files(shape_paths)])
    bar = ProgressBar(quiet)
    try:
        if output:
            outputs.check(output)  # before any work
        shapes = load_shapes(shape_paths or None)
        if store_dir:
            report = validate_store(store_dir, shapes, engine, jobs, progress=bar)
        else:
            report = validate_paths(paths, shapes, engine, jobs, progress=bar)
        bar.end()
        report.problems[:0] = unread
        # on a terminal (text to stdout) the errors go to stderr only; a file or another format lists them
        text = render(report, fmt, lang, shapes, errors=bool(output) or fmt != "text")
        if output:
            outputs.write_text(output, text)
    except PdgraphError as error:
        bar.end()
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    if output:
        counts = report.counts()
        click.echo(f"{len(report.results)} assessment(s): {counts['Violation']} violation(s), "
                   f"{counts['Warning']} warning(s), {counts['Info']} info(s) -> {output}", err=True)
    else:
        click.echo(text, nl=False)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for problem in report.problems:
        click.echo(f"error: {problem.message}", err=True)
    if report.problems:
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(EXIT_OK if report.conforms else EXIT_VIOLATION)
