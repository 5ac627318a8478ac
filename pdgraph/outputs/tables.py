"""Tables for people: CSV that Excel opens as it is, plain TSV, and Excel workbooks.

A `Table` is a title, column names, headings (``提供先 / recipient``, `columns.heading`) and rows
of plain Python values — text, int, float, bool, `datetime.date` or None — never SPARQL syntax:
no ``?var`` headings, no quoted literals, IRIs as plain text. `table_from_solutions` makes one
from a query's answer.

- CSV (`to_csv`): UTF-8 with a byte-order mark (so Excel reads Japanese text as UTF-8), CRLF
  line ends, one header row; several tables follow each other, each under a ``# title`` line.
- TSV (`to_tsv`): the same without the mark; tabs and line breaks inside a cell become spaces.
- XLSX (`to_xlsx`, openpyxl): one sheet per table, numbers as numbers, full ISO dates as dates,
  booleans as booleans, the header row frozen, an autofilter over the table, column widths
  fitted to the text (East Asian characters count twice).

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) would be run as a
formula by a spreadsheet ("CSV injection"): a text cell of that shape is written with a leading
``'`` in CSV and TSV, and as an explicit string cell in a workbook. A hostile document cannot
put a formula into a privacy officer's sheet.
"""
from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import PdgraphError
from ..graph.stores import Solutions
from ..query.formats import width
from .columns import DATE_COLUMNS, heading

Value = str | int | float | bool | datetime.date | None
TABLE_FORMATS = ("csv", "tsv", "xlsx")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Datatypes read once (rdflib makes a new URIRef on every namespace attribute access)
_DECIMAL, _BOOLEAN, _DATE = XSD.decimal, XSD.boolean, XSD.date
_TYPED = frozenset({XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
                    XSD.positiveInteger, XSD.unsignedInt, XSD.unsignedLong, _DECIMAL, XSD.double, XSD.float,
                    _BOOLEAN, _DATE})
MAX_WIDTH = 60  # characters of the widest column in a workbook


@dataclass
class Table:
    """One table for people: a title (sheet name / section), column names, their headings, rows."""

    title: str
    columns: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.headings:
            self.headings = [heading(c) for c in self.columns]

    def column(self, name: str) -> list[Value]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def plain(term: Node | None, column: str = "") -> Value:
    """A cell value from an RDF term: numbers, booleans and dates typed; everything else its text."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        if term.datatype is not None and term.datatype in _TYPED:
            value = term.toPython()
            if isinstance(value, (int, float, bool, datetime.date)):
                return value
            if term.datatype == _DECIMAL:
                return float(term)
        text = str(term)
        if column in DATE_COLUMNS and _ISO_DATE.match(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                return text
        return text
    return str(term)


def table_from_solutions(solutions: Solutions, title: str = "results",
                         labels: Mapping[str, str] | None = None) -> Table:
    """A query's answer as a `Table`; ``labels`` are the query's own column headings, if any."""
    columns = list(solutions.variables)
    rows = [[plain(term, name) for term, name in zip(row, columns)] for row in solutions.rows]
    return Table(title, columns, rows, [heading(c, labels) for c in columns])


def table_from_records(title: str, records: Iterable[object], columns: Sequence[str]) -> Table:
    """A table from records (dataclasses or dicts) read column by column."""
    rows = []
    for record in records:
        get = record.get if isinstance(record, Mapping) else (lambda name, r=record: getattr(r, name))
        rows.append([get(name) for name in columns])
    return Table(title, list(columns), rows)


# --------------------------------------------------------------------------- text cells

def text_cell(value: Value) -> str:
    """A CSV / TSV cell: plain text, ISO dates, ``true`` / ``false``, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, int, float)):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(tables: Sequence[Table]) -> str:
    """Excel-ready CSV text: starts with a byte-order mark; write it as UTF-8 (`write_tables`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    several = len(tables) > 1
    for number, table in enumerate(tables):
        if several:
            if number:
                writer.writerow([])
            writer.writerow([f"# {table.title}"])
        writer.writerow(table.headings)
        writer.writerows([text_cell(v) for v in row] for row in table.rows)
    return BOM + out.getvalue()


def _tsv_cell(value: Value) -> str:
    return " ".join(text_cell(value).replace("\t", " ").splitlines())


def to_tsv(tables: Sequence[Table]) -> str:
    """Plain TSV: a heading row, one line per row; several tables under ``# title`` lines."""
    lines: list[str] = []
    for number, table in enumerate(tables):
        if len(tables) > 1:
            lines += ([""] if number else []) + [f"# {table.title}"]
        lines.append("\t".join(_tsv_cell(h) for h in table.headings))
        lines += ["\t".join(_tsv_cell(v) for v in row) for row in table.rows]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- workbooks

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, no []:*?/\\), unique in the workbook."""
    base = _SHEET_BAD.sub("_", title).strip("'") or "sheet"
    name, number = base[:31], 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _column_width(table: Table, index: int) -> float:
    texts = [table.headings[index]] + [text_cell(row[index]) for row in table.rows[:2000]]
    return min(MAX_WIDTH, max(width(t) for t in texts) + 2)


def workbook(tables: Sequence[Table]):
    """An openpyxl Workbook with one sheet per table (typed cells, frozen header, filter, widths)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.title, taken))
        sheet.append(table.headings)
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for row_number, row in enumerate(table.rows, start=2):
            for column_number, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column_number)
                if isinstance(value, str):
                    cell.value = value
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif value is not None:
                    cell.value = value
                    if isinstance(value, datetime.date):
                        cell.number_format = "yyyy-mm-dd"
        columns = max(len(table.headings), 1)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(len(table.rows) + 1, 1)}"
        for index in range(len(table.headings)):
            sheet.column_dimensions[get_column_letter(index + 1)].width = _column_width(table, index)
    if not tables:
        book.create_sheet("empty")
    return book


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """The workbook of ``tables`` as the bytes of an .xlsx file."""
    out = io.BytesIO()
    workbook(tables).save(out)
    return out.getvalue()


def render_tables(tables: Sequence[Table], fmt: str) -> bytes:
    """The bytes of ``tables`` in a table format (csv, tsv, xlsx)."""
    if fmt == "csv":
        return to_csv(tables).encode("utf-8")
    if fmt == "tsv":
        return to_tsv(tables).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(tables)
    raise PdgraphError(f"unknown table format {fmt!r} (formats: {', '.join(TABLE_FORMATS)})")


def format_for(path: str | Path, default: str | None = None) -> str | None:
    """The table format a file name asks for by its suffix (.csv, .tsv, .xlsx), else ``default``."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in TABLE_FORMATS else default


def write_tables(tables: Sequence[Table], path: str | Path, fmt: str | None = None) -> Path:
    """Write ``tables`` to ``path`` in ``fmt`` (default: the format its suffix names)."""
    path = Path(path)
    chosen = fmt or format_for(path)
    if chosen is None:
        raise PdgraphError(f"{path}: name a table format by suffix (.csv, .tsv, .xlsx)")
    path.write_bytes(render_tables(tables, chosen))
    return path


# --------------------------------------------------------------------------- the network analysis

HUB_COLUMNS = ["label", "kind", "degree", "in_degree", "out_degree", "betweenness"]
VENDOR_COLUMNS = ["label", "assessments", "bodies", "files", "entrustments", "subcontracting"]
REACH_COLUMNS = ["start", "hops", "kind", "label"]


def analysis_tables(result) -> list[Table]:
    """`pdgraph analyze` as tables (a `pdgraph.query.analysis.Analysis`): hubs, vendors, and the
    reach of every start body in one table (its ``start`` column names the body)."""
    reached = [{"start": reach.start, "hops": r.hops, "kind": r.kind, "label": r.label}
               for reach in result.reach for r in reach.reached]
    tables = [table_from_records("hubs", result.hubs, HUB_COLUMNS),
              table_from_records("vendors", result.vendors, VENDOR_COLUMNS)]
    if result.reach:
        tables.append(table_from_records("reach", reached, REACH_COLUMNS))
    return tables
