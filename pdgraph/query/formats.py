"""Result formats of a query's answer: SPARQL 1.1 Query Results JSON, CSV and TSV (for programs:
``json``, ``sparql-csv``, ``sparql-tsv``), and an aligned text table for people (``table``);
`format_solutions` picks one of `FORMATS` by name. Tables for spreadsheets (CSV with a BOM and
bilingual headings, TSV, xlsx) are `pdgraph.outputs.tables`."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..graph.stores import Solutions
from ..graph.vocab import PREFIXES
from .params import QueryError, sparql_term

FORMATS = ("table", "json", "sparql-csv", "sparql-tsv")


def _term_json(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            out["datatype"] = str(term.datatype)
        return out
    raise QueryError(f"cannot write {term!r}")


def to_json(solutions: Solutions) -> str:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [{var: _term_json(value) for var, value in zip(solutions.variables, row) if value is not None}
                for row in solutions.rows]
    document = {"head": {"vars": solutions.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _cell(term: Node | None, write: Callable[[Node], str]) -> str:
    """One CSV / TSV cell: empty when unbound, ``_:label`` for a blank node, else ``write(term)``."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return write(term)


def to_csv(solutions: Solutions) -> str:
    """SPARQL 1.1 Query Results CSV (values only, CRLF line ends)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(solutions.variables)
    for row in solutions.rows:
        writer.writerow([_cell(v, str) for v in row])
    return out.getvalue()


def to_tsv(solutions: Solutions) -> str:
    """SPARQL 1.1 Query Results TSV (terms in SPARQL syntax)."""
    lines = ["\t".join("?" + v for v in solutions.variables)]
    lines += ["\t".join(_cell(v, sparql_term) for v in row) for row in solutions.rows]
    return "\n".join(lines) + "\n"


_SHORT = sorted(((p, str(ns)) for p, ns in PREFIXES.items()), key=lambda item: -len(item[1]))


def display(term: Node | None) -> str:
    """A cell of the human table: prefixed IRIs, literal values."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, namespace in _SHORT:
            if text.startswith(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return text
    return str(term)


def width(text: str) -> int:
    """Display width: East Asian wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def to_table(solutions: Solutions, max_width: int = 60) -> str:
    """An aligned text table for people (cells clipped to ``max_width`` columns)."""
    header = solutions.variables
    cells = [[_clip(display(v), max_width) for v in row] for row in solutions.rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(header)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(header), line(["-" * w for w in widths])] + [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out) + "\n"


def format_solutions(solutions: Solutions, fmt: str) -> str:
    writers = {"table": to_table, "sparql-csv": to_csv, "sparql-tsv": to_tsv, "json": to_json}
    if fmt not in writers:
        raise QueryError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    return writers[fmt](solutions)
