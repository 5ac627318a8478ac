"""`pdgraph facts`: one JSON file of facts per assessment, read back out of its graph."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import ingest_sources, report_problems, write_facts


@click.command("facts")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for one <document-stem>.json per document.")
def facts(sources: tuple[str, ...], output_dir: str) -> None:
    """Write the facts JSON of each document, read back out of its graph."""
    result = ingest_sources(sources)
    written = write_facts(result, Path(output_dir))
    click.echo(f"{len(written)} facts file(s) -> {output_dir}")
    sys.exit(report_problems(result))
