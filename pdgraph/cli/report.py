"""`pdgraph report`: the corpus report — one self-contained HTML page of charts with their tables."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import SOURCES_HELP, corpus_store, jobs_option, quiet_option
from ..errors import PdgraphError
from ..outputs.report import build_report, render_report


@click.command("report", help=f"""Write the corpus report: one self-contained HTML page (no script, nothing
fetched) with charts of flows by legal basis, channels (riskiest media first), vendor concentration,
本人の数 bands and validation findings per body, each beside its table (docs/outputs.md).

Reads documents or RDF files, or every assessment of a store (--store DIR). {SOURCES_HELP}""")
@click.argument("sources", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Report on the assessments of this Oxigraph store directory (pdgraph build --store).")
@click.option("--title", help="Page title (default: the number of assessments).")
@click.option("--top", default=15, show_default=True, type=click.IntRange(1), help="Contractors in the vendor chart.")
@click.option("--no-validation", is_flag=True, help="Leave out the validation findings (no SHACL run).")
@jobs_option
@quiet_option
def report(sources: tuple[str, ...], output: str, store_dir: str | None, title: str | None, top: int,
           no_validation: bool, jobs: int | None, quiet: bool) -> None:
    with corpus_store(sources, store_dir, jobs, quiet, validate=not no_validation) as (store, validation, status):
        try:
            data = build_report(store, validation, title, top)
            page = render_report(data)
        except PdgraphError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
    try:
        Path(output).write_text(page, encoding="utf-8")
    except OSError as error:
        click.echo(f"error: {output}: cannot write: {error.strerror}", err=True)
        sys.exit(2)
    click.echo(f"{len(data.charts)} charts, {data.summary.rows[0][0] if data.summary.rows else 0} assessment(s) "
               f"-> {output}", err=True)
    sys.exit(status)
