"""The query catalogue: named SPARQL queries (queries/*.rq) with typed parameters.

Each ``.rq`` file starts with a header comment::

    # title: Recipients of a body's data
    # ja: ある評価実施機関の特定個人情報は、誰に、どの法令上の根拠で、どの方法で渡っているか。
    # en: Who receives data from a given assessing body, on what legal basis, by which channel?
    # param: organization organization required — 評価実施機関名, e.g. 松戸市長
    # param: law law = 番号法 — the law cited
    # param: row number optional — 別表 row; any row when omitted
    # derive: target provision — a variable computed from the typed parameters
    # lists: citations methods
    # example: pdgraph query recipients-of examples/*.txt --param organization=松戸市長
    # federation: what the answer misses when the corpus is split over several endpoints

Parameters are converted to RDF terms by their type (`TYPES`) and bound through a
VALUES block at the start of the query's WHERE group — values are never pasted into
query text: a value is written as one RDF term (quotes and backslashes escaped), so
``松戸市長" } UNION { ?s ?p ?o } #`` is just a string that matches nothing. An
optional parameter left out is ``UNDEF`` (any value).

Rules for query authors (so rdflib and Oxigraph give identical answers, see
docs/queries.md): use a parameter only in required triple patterns and in FILTER /
BIND of the outermost group; never inside OPTIONAL, a nested group's FILTER, or a
subquery.

``lists`` names columns built with ``GROUP_CONCAT(…; separator=" | ")``; their
items are sorted after the query runs, because the two engines concatenate in
different orders.

This module holds the catalogue (`NamedQuery`, `parse_query`, `load_catalogue`,
`find_query`) and runs its queries (`run_query`); parameter types and derivations are in
`params`, reading the query text and ordering the answer in `order`, result formats in
`formats`.
"""
from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal
from rdflib.term import Identifier, Node

from ..files import InputFileError, max_size, read_input
from ..graph.endpoint import EndpointError
from ..graph.stores import QueryStore, Solutions, StoreError, gc_paused
from ..resources import resource_dir
from .order import Ordering, code_chars, order_rows, split_order, where_start
from .params import DERIVATIONS, TYPES, Derived, Parameter, QueryError, QueryParameterError, sparql_term

QUERIES_DIR = resource_dir("queries")
LIST_SEPARATOR = " | "


# --------------------------------------------------------------------------- the named query

@dataclass(frozen=True)
class NamedQuery:
    """One catalogue query: its header (title, questions, parameters) and its SPARQL text."""

    name: str
    path: Path
    title: str
    question_ja: str
    question_en: str
    text: str
    header: str
    parameters: tuple[Parameter, ...] = ()
    derived: tuple[Derived, ...] = ()
    lists: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    federation: str = ""  # what a federated run (several shards) cannot see, when anything
    services: tuple[str, ...] = ()  # the endpoints named by SERVICE clauses (they would be fetched)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def bind(self, values: Mapping[str, str]) -> dict[str, Identifier | None]:
        """Typed RDF terms for the given values; unknown, missing or ill-typed values raise."""
        unknown = sorted(set(values) - {p.name for p in self.parameters})
        if unknown:
            known = ", ".join(p.name for p in self.parameters) or "none"
            raise QueryParameterError(f"query {self.name}: unknown parameter(s) {', '.join(unknown)} "
                                      f"(parameters: {known})")
        bindings: dict[str, Identifier | None] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name, parameter.default)
            if value is None:
                if parameter.required:
                    raise QueryParameterError(f"query {self.name}: missing required parameter {parameter.name} "
                                              f"({parameter.describe()})")
                bindings[parameter.name] = None
                continue
            try:
                bindings[parameter.name] = parameter.convert(value)
            except QueryParameterError as error:
                raise QueryParameterError(f"query {self.name}: parameter {parameter.name}: {error}") from None
        return bindings

    def values(self, bindings: Mapping[str, Identifier | None]) -> dict[str, list[Identifier | None]]:
        """The VALUES columns: parameters used as query variables, then derived variables."""
        columns: dict[str, list[Identifier | None]] = {
            name: [term] for name, term in bindings.items() if _uses_variable(self.text, name)}
        for derived in self.derived:
            function, _ = DERIVATIONS[derived.function]
            try:
                columns[derived.name] = list(function(bindings))
            except QueryParameterError as error:
                raise QueryParameterError(f"query {self.name}: {error}") from None
        return columns

    def render(self, bindings: Mapping[str, Identifier | None], text: str | None = None) -> str:
        """The query text (or ``text``, a form of it such as `split_order` makes) with the
        bindings as a VALUES block opening its WHERE group."""
        text = self.text if text is None else text
        columns = self.values(bindings)
        if not columns:
            return text
        names = list(columns)
        rows = itertools.product(*(columns[n] for n in names))
        data = " ".join("(" + " ".join(sparql_term(term) for term in row) + ")" for row in rows)
        block = f"\n  VALUES ({' '.join('?' + n for n in names)}) {{ {data} }}\n"
        start = where_start(text)
        return text[:start + 1] + block + text[start + 1:]


# --------------------------------------------------------------------------- reading the catalogue

_KEY = re.compile(r"^(?P<key>title|ja|en|param|derive|lists|example|note|federation):\s*(?P<value>.*)$")
_DERIVE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<function>[a-z][a-z-]*)\s*(?:—\s*(?P<doc>.*))?$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)\s+"
                    r"(?P<mode>required|optional|=\s*(?P<default>\S+))\s*(?:—\s*(?P<doc>.*))?$")


def _uses_variable(text: str, name: str) -> bool:
    """Whether the query (not its comment lines) mentions ``?name``."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return re.search(rf"[?$]{name}\b", body) is not None


def _header_lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    return lines


def parse_query(text: str, name: str, path: Path | None = None) -> NamedQuery:
    """A `NamedQuery` from the text of an .rq file; a bad header raises `QueryError`."""
    where = path or Path(f"{name}.rq")
    lines = _header_lines(text)
    fields: dict[str, list[str]] = {}
    for number, line in enumerate(lines, start=1):
        match = _KEY.match(line)
        if match:
            fields.setdefault(match["key"], []).append(match["value"].strip())
        elif line and fields:
            last = list(fields)[-1]
            fields[last][-1] += " " + line  # continuation of the previous entry
    for key in ("title", "ja", "en"):
        if not fields.get(key):
            raise QueryError(f"{where}: header has no '# {key}:' line")
    parameters = []
    for spec in fields.get("param", []):
        match = _PARAM.match(spec)
        if not match or match["type"] not in TYPES:
            raise QueryError(f"{where}: bad parameter line {spec!r} "
                             f"(NAME TYPE required|optional|= DEFAULT — text; types: {', '.join(TYPES)})")
        parameters.append(Parameter(match["name"], match["type"], match["mode"] == "required",
                                    match["default"], (match["doc"] or "").strip()))
    derived = []
    for spec in fields.get("derive", []):
        match = _DERIVE.match(spec)
        if not match or match["function"] not in DERIVATIONS:
            raise QueryError(f"{where}: bad derive line {spec!r} (NAME FUNCTION — text; functions: "
                             f"{', '.join(DERIVATIONS)})")
        if not _uses_variable(text, match["name"]):
            raise QueryError(f"{where}: derived {match['name']} is not a variable of the query")
        derived.append(Derived(match["name"], match["function"], (match["doc"] or "").strip()))
    for parameter in parameters:
        if not _uses_variable(text, parameter.name) and not derived:
            raise QueryError(f"{where}: parameter {parameter.name} is not a variable of the query")
    lists = tuple(n for value in fields.get("lists", []) for n in value.replace(",", " ").split())
    for column in lists:
        if not re.search(rf"\?{column}\b", text):
            raise QueryError(f"{where}: list column {column} is not a variable of the query")
    query = NamedQuery(name=name, path=where, title=fields["title"][0], question_ja=fields["ja"][0],
                       question_en=fields["en"][0], text=text, header="\n".join(lines).strip(),
                       parameters=tuple(parameters), derived=tuple(derived), lists=lists,
                       examples=tuple(fields.get("example", [])),
                       notes=tuple(fields.get("note", [])),
                       federation=" ".join(fields.get("federation", [])), services=service_targets(text))
    where_start(text)
    return query


_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_SERVICE_TARGET = re.compile(r"\s*(?:SILENT\s+)?(<[^>]*>|\S+)", re.IGNORECASE)


def service_targets(text: str) -> tuple[str, ...]:
    """The targets of the SERVICE clauses of a query (keywords outside comments, strings and IRIs)."""
    chars = [" "] * len(text)
    for index, char in code_chars(text):
        chars[index] = char
    targets = []
    for keyword in _SERVICE.finditer("".join(chars)):
        target = _SERVICE_TARGET.match(text, keyword.end())
        targets.append(target.group(1) if target else "")
    return tuple(targets)


def load_query(path: str | Path) -> NamedQuery:
    path = Path(path)
    try:
        text = read_input(path, max_size()).decode("utf-8")  # a regular file: never a device or FIFO
    except UnicodeDecodeError as error:
        raise QueryError(f"{path}: cannot read: {error}") from None
    except InputFileError as error:
        raise QueryError(str(error)) from None
    return parse_query(text, path.stem, path)


def load_catalogue(directory: str | Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every query of the catalogue by name (file stem), in name order."""
    directory = Path(directory)
    if not directory.is_dir():
        raise QueryError(f"{directory}: no query catalogue here")
    return {path.stem: load_query(path) for path in sorted(directory.glob("*.rq"))}


def find_query(name_or_path: str, directory: str | Path = QUERIES_DIR) -> NamedQuery:
    """A catalogue query by name, or any .rq file by path."""
    if name_or_path.endswith(".rq"):
        return load_query(name_or_path)
    path = Path(directory) / f"{name_or_path}.rq"
    if not path.is_file():
        names = ", ".join(load_catalogue(directory))
        raise QueryError(f"no query named {name_or_path!r} (catalogue: {names})")
    return load_query(path)


# --------------------------------------------------------------------------- running

def sorted_lists(solutions: Solutions, columns: tuple[str, ...]) -> Solutions:
    """Sort the items of GROUP_CONCAT columns so that every engine gives the same text.

    Empty items (unbound values, written as "" by the queries because Oxigraph drops a whole
    GROUP_CONCAT that meets an unbound value) are dropped; no items is the empty string.
    """
    indexes = [solutions.variables.index(c) for c in columns if c in solutions.variables]
    if not indexes:
        return solutions
    done: dict[str | None, Literal] = {}  # list cells repeat (methods, citations): sort each text once

    def canonical(value: Node | None) -> Literal:
        text = None if value is None else str(value)
        try:
            return done[text]
        except KeyError:
            items = [] if text is None else text.split(LIST_SEPARATOR.strip())
            result = done[text] = Literal(LIST_SEPARATOR.join(sorted({i.strip() for i in items if i.strip()})))
            return result

    rows = []
    for row in solutions.rows:
        cells = list(row)
        for index in indexes:
            cells[index] = canonical(cells[index])
        rows.append(tuple(cells))
    return Solutions(solutions.variables, rows)


@functools.lru_cache(maxsize=128)
def _split_template(text: str, lists: tuple[str, ...]) -> tuple[str, Ordering]:
    return split_order(text, lists)


def check_network(query: NamedQuery, allow_network: bool = False) -> None:
    """Refuse a query whose SERVICE clauses would fetch, unless the network is allowed."""
    if query.services and not allow_network:
        raise QueryError(f"{query.path}: SERVICE {query.services[0]} would reach the network: "
                         "pdgraph makes no network request unless asked (--allow-network)")


def run_query(query: NamedQuery, store: QueryStore, params: Mapping[str, str] | None = None,
              allow_network: bool = False) -> Solutions:
    """Run a catalogue query on a store with its parameters bound as RDF terms.

    A query with a SERVICE clause would make the engine fetch from the endpoint it names:
    it is refused unless ``allow_network`` (pdgraph makes no network request unless asked).
    A final ``ORDER BY`` over projected variables is applied to the answer here, the same way
    for every store (`split_order`); list columns are sorted item by item (`sorted_lists`)."""
    check_network(query, allow_network)
    bindings = query.bind(params or {})
    template, ordering = _split_template(query.text, query.lists)  # the VALUES block never touches ORDER BY
    text = query.render(bindings, template)
    try:
        answer = store.select(text)  # not under gc_paused: rdflib's engine makes cycles for minutes
    except EndpointError:  # already names the endpoint; the query is not at fault
        raise
    except StoreError as error:  # name the query file: a malformed user .rq must say which
        raise QueryError(f"{query.path}: {error}") from None
    with gc_paused():
        solutions = sorted_lists(answer, query.lists)
        return order_rows(solutions, ordering) if ordering.keys else solutions


def parse_params(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``name=value`` pairs (``--param``) as a dict; a pair without ``=`` or a repeated name raises."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise QueryParameterError(f"--param {pair!r}: expected NAME=VALUE")
        if name in values:
            raise QueryParameterError(f"--param {name} given twice")
        values[name] = value
    return values
