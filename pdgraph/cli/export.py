"""`pdgraph export ropa`: the record of processing activities of documents, RDF files or a store,
as an Excel workbook (an overview sheet and one sheet per assessment) or one CSV / TSV table."""
from __future__ import annotations

import sys

import click

from .common import SOURCES_HELP, corpus_store, jobs_option, quiet_option
from ..errors import PdgraphError
from ..outputs.ropa import ropa_table, sheets, split_by_assessment
from ..outputs.tables import TABLE_FORMATS, format_for, write_tables


@click.group("export")
def export() -> None:
    """Export the graph in the shapes people file: the record of processing activities (ropa)."""


@export.command("ropa", help=f"""Write the record of processing activities (ROPA): one row per flow of each
特定個人情報ファイル (入手, 提供, 移転, 委託, 再委託) with the body, 事務, 本人の数, 入手元, 提供先・移転先,
委託先・再委託, legal-basis citations written out, method and document:line (columns: docs/outputs.md).

.xlsx: an overview sheet and one sheet per assessment; .csv / .tsv: every row in one table, the body a
column. Reads documents or RDF files, or every assessment of a store (--store DIR). {SOURCES_HELP}""")
@click.argument("sources", nargs=-1)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write: .xlsx, .csv or .tsv (or say --format).")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Export the assessments of this Oxigraph store directory (pdgraph build --store).")
@click.option("-f", "--format", "fmt", type=click.Choice(TABLE_FORMATS), default=None,
              help="xlsx, csv or tsv (default: the suffix of -o).")
@jobs_option
@quiet_option
def ropa(sources: tuple[str, ...], output: str, store_dir: str | None, fmt: str | None, jobs: int | None,
         quiet: bool) -> None:
    chosen = fmt or format_for(output)
    if chosen is None:
        raise click.UsageError(f"{output}: name the format by suffix (.xlsx, .csv, .tsv) or give --format")
    with corpus_store(sources, store_dir, jobs, quiet) as (store, _, status):
        try:
            table = ropa_table(store)
            write_tables(sheets(table) if chosen == "xlsx" else [table], output, chosen)
        except PdgraphError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(2)
        except OSError as error:
            click.echo(f"error: {output}: cannot write: {error.strerror}", err=True)
            sys.exit(2)
    click.echo(f"{len(split_by_assessment(table))} assessment(s), {len(table.rows)} row(s) -> {output}", err=True)
    sys.exit(status)
