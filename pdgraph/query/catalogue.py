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
"""
from __future__ import annotations

import csv
import functools
import io
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier, Node

from ..law.citations import canonical_law, table_name
from ..errors import PdgraphError
from ..extract.normalise import canonical_organisation, system_kind
from ..law.numerals import branch_number
from ..resources import resource_dir
from ..graph.stores import QueryStore, Solutions, gc_paused
from ..graph.vocab import PREFIXES, SYSTEM_KIND

QUERIES_DIR = resource_dir("queries")
LIST_SEPARATOR = " | "
FORMATS = ("table", "csv", "tsv", "json")


class QueryError(PdgraphError):
    """A query cannot be found, read or run."""


class QueryParameterError(QueryError):
    """A parameter is unknown, missing or has a value its type does not accept."""


# --------------------------------------------------------------------------- parameter types

_REWRITTEN = re.compile(r"\\[uU]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: str) -> str:
    """NFKC text; refuses the two things a SPARQL processor may rewrite before parsing a query:
    ``\\u`` / ``\\U`` escapes (rdflib expands them anywhere in the text) and control characters."""
    text = unicodedata.normalize("NFKC", value).strip()
    if _REWRITTEN.search(text):
        raise QueryParameterError(f"{value!r}: backslash-u escapes and control characters are not accepted")
    return text


def _integer(value: str) -> Literal:
    try:
        return Literal(int(_text(value)))
    except ValueError:
        raise QueryParameterError(f"not an integer: {value!r}") from None


_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*$")


def _iri(value: str) -> URIRef:
    if not _IRI.match(value):
        raise QueryParameterError(f"not an IRI: {value!r}")
    return URIRef(value)


def _table(value: str) -> Literal:
    text = _text(value)
    number = text.removeprefix("別表").removeprefix("第")
    try:
        return Literal(table_name(number))
    except (ValueError, KeyError):
        raise QueryParameterError(f"not an appended table (別表第一 / 別表第二): {value!r}") from None


def _number(value: str) -> Literal:
    """An article / paragraph / item / row number as the graph writes it: ``十九`` → 19, ``５６の２`` → 56の2."""
    text = _text(value)
    if text == "*":
        return Literal(text)
    text = text.removeprefix("第").removesuffix("条").removesuffix("項").removesuffix("号")
    try:
        return Literal(branch_number(text))
    except ValueError:
        return Literal(text)


# type name -> (converter, description)
TYPES: dict[str, tuple[Callable[[str], Identifier], str]] = {
    "string": (lambda v: Literal(_text(v)), "text (NFKC-normalised)"),
    "label": (lambda v: Literal(_text(v), lang="ja"), "a Japanese label (rdfs:label@ja)"),
    "organization": (lambda v: Literal(canonical_organisation(_text(v)), lang="ja"),
                     "an organisation name, canonicalised as in the graph (支払基金 = 社会保険診療報酬支払基金)"),
    "law": (lambda v: Literal(canonical_law(_text(v)), lang="ja"), "a law name, canonicalised (マイナンバー法 = 番号法)"),
    "table": (_table, "an appended table: 別表第一 / 別表第二 (also 別表第2, 2)"),
    "kind": (lambda v: Literal(system_kind(_text(v)) or _text(v), lang="ja"),
             "a system kind, canonicalised (中間サーバ = 中間サーバー)"),
    "number": (_number, "an article / paragraph / item / row number (19, 十九, 56の2, * for 各項)"),
    "integer": (_integer, "an integer"),
    "iri": (_iri, "an absolute IRI"),
}


def provision_targets(bindings: Mapping[str, Identifier | None]) -> list[Identifier]:
    """The provision IRIs named by law / article / paragraph / item / table / row, minted as
    `pdgraph.graph.mapping.provision_iri` mints them; a row also brings the table's 各項 (every row) node."""
    from ..law.citations import Atom
    from ..graph.mapping import provision_iri

    def text(name: str) -> str | None:
        value = bindings.get(name)
        return None if value is None else str(value)

    law, article, paragraph, item = text("law"), text("article"), text("paragraph"), text("item")
    table, row = text("table"), text("row")
    if law is None:
        raise QueryParameterError("a law is needed")
    if (table or row) and (article or paragraph or item):
        raise QueryParameterError("give either article / paragraph / item or table / row, not both")
    if row and not table:
        raise QueryParameterError("a row needs its table (別表第一 or 別表第二)")
    if (paragraph or item) and not article:
        raise QueryParameterError("a paragraph or item needs its article")
    if table:
        targets = [provision_iri(Atom(law=law, table=table, row=row))]
        if row and row != "*":
            targets.append(provision_iri(Atom(law=law, table=table, row="*")))
        return targets
    return [provision_iri(Atom(law=law, article=article, paragraph=paragraph, item=item))]


NOTHING = URIRef("urn:pdgraph:none")  # an IRI that no graph holds: the queries' "no such node"


def system_kind_concepts(bindings: Mapping[str, Identifier | None]) -> list[Identifier]:
    """The concept of the ``kind`` parameter (中間サーバー → pdg:IntermediateServer), as
    `pdgraph.graph.mapping` types systems; for a kind the form does not know, an IRI no graph holds
    (``urn:pdgraph:none``), so it matches nothing (rdflib cannot parse an empty VALUES block).

    Why: starting from the concept IRI is one index lookup; finding it by its label scanned the
    label of every kind node of every graph (16 ms → 4 ms at 1,000 assessments)."""
    kind = bindings.get("kind")
    concept = None if kind is None else SYSTEM_KIND.get(str(kind))
    return [NOTHING if concept is None else concept]


# derivation name -> (function of the typed parameters, description)
DERIVATIONS: dict[str, tuple[Callable[[Mapping[str, Identifier | None]], list[Identifier]], str]] = {
    "provision": (provision_targets, "provision IRIs from law, article, paragraph, item, table and row"),
    "system-kind": (system_kind_concepts, "the system kind concept of the kind parameter"),
}


@dataclass(frozen=True)
class Derived:
    """A variable bound to terms computed from the typed parameters (one VALUES row per term)."""

    name: str
    function: str
    description: str = ""


@dataclass(frozen=True)
class Parameter:
    """A typed query parameter; ``required`` ones have no default, ``optional`` ones mean any value."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    description: str = ""

    def convert(self, value: str) -> Identifier:
        converter, _ = TYPES[self.type]
        return converter(value)

    def describe(self) -> str:
        mode = "required" if self.required else (f"default {self.default}" if self.default is not None
                                                 else "optional, any value when omitted")
        return f"{self.name} ({self.type}, {mode}): {self.description}"


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


# --------------------------------------------------------------------------- RDF terms in SPARQL syntax

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")


def _escape(text: str) -> str:
    return "".join(_ECHAR.get(ch, ch) for ch in text)


def sparql_term(term: Node | None) -> str:
    """One RDF term in SPARQL syntax (None is UNDEF); a literal can never end early."""
    if term is None:
        return "UNDEF"
    if isinstance(term, URIRef):
        return f"<{_iri(str(term))}>"
    if isinstance(term, Literal):
        lexical = f'"{_escape(str(term))}"'
        if term.language:
            if not _LANG.match(term.language):
                raise QueryParameterError(f"bad language tag {term.language!r}")
            return f"{lexical}@{term.language}"
        if term.datatype is not None:
            return f"{lexical}^^<{_iri(str(term.datatype))}>"
        return lexical
    raise QueryParameterError(f"cannot bind {term!r}")


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")


def _code_chars(text: str, end: int | None = None) -> Iterator[tuple[int, str]]:
    """(index, character) of the query text up to ``end`` that are SPARQL syntax: outside
    ``#`` comments, string literals (all four quote forms, with escapes) and IRIs."""
    i, n = 0, len(text) if end is None else end
    while i < n:
        ch = text[i]
        if ch == "#":
            newline = text.find("\n", i, n)
            i = n if newline < 0 else newline + 1
            continue
        if ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        if ch == "<" and (m := _IRIREF.match(text, i)):
            i = m.end()
            continue
        yield i, ch
        i += 1


def where_start(text: str) -> int:
    """Index of the ``{`` that opens the query's WHERE group (outside comments, strings, IRIs)."""
    start = next((i for i, ch in _code_chars(text) if ch == "{"), None)
    if start is None:
        raise QueryError("the query has no WHERE group")
    return start


# --------------------------------------------------------------------------- reading the catalogue

_KEY = re.compile(r"^(?P<key>title|ja|en|param|derive|lists|example|note):\s*(?P<value>.*)$")
_DERIVE = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<function>[a-z][a-z-]*)\s*(?:—\s*(?P<doc>.*))?$")


def _uses_variable(text: str, name: str) -> bool:
    """Whether the query (not its comment lines) mentions ``?name``."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return re.search(rf"[?$]{name}\b", body) is not None
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)\s+"
                    r"(?P<mode>required|optional|=\s*(?P<default>\S+))\s*(?:—\s*(?P<doc>.*))?$")


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
                       notes=tuple(fields.get("note", [])))
    where_start(text)
    return query


def load_query(path: str | Path) -> NamedQuery:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{path}: cannot read: {error}") from None
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


# --------------------------------------------------------------------------- ORDER BY after the query

_ORDER_KEY = r"(?:(?:ASC|DESC)\s*\(\s*[?$][A-Za-z_][A-Za-z0-9_]*\s*\)|[?$][A-Za-z_][A-Za-z0-9_]*)"
_FINAL_ORDER = re.compile(rf"\bORDER\s+BY\s+(?P<keys>{_ORDER_KEY}(?:\s+{_ORDER_KEY})*)\s*$", re.IGNORECASE)
_KEY_PARTS = re.compile(r"(?P<dir>ASC|DESC)?\s*\(?\s*[?$](?P<name>[A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                  "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                  "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
                                  "unsignedByte")}
_STRINGS = {None, str(XSD.string)}


@dataclass(frozen=True)
class OrderKey:
    """One key of a final ``ORDER BY``: a projected variable, ascending or descending."""

    name: str
    descending: bool = False


def _code_only(text: str) -> str:
    """The query text with whole-line comments blanked out (same length, same positions)."""
    return re.sub(r"(?m)^[ \t]*#.*$", lambda m: " " * len(m.group()), text)


def _depth(code: str, end: int) -> int:
    """The ``{ }`` nesting depth at ``end`` (braces in comments, strings and IRIs do not count)."""
    return sum({"{": 1, "}": -1}.get(ch, 0) for _, ch in _code_chars(code, end))


def _projected(text: str) -> set[str] | None:
    """The variables the outer SELECT projects (plain ``?v`` and ``(… AS ?v)``); None for ``SELECT *``."""
    code = _code_only(text)
    match = re.search(r"\bSELECT\b", code, re.IGNORECASE)
    if not match:
        return None
    clause = code[match.end():where_start(code)]
    clause = re.sub(r"\b(DISTINCT|REDUCED)\b", "", clause, flags=re.IGNORECASE)
    names, depth, i = set(), 0, 0
    while i < len(clause):
        ch = clause[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "*" and depth == 0:
            return None
        elif ch in "?$" and depth == 0:
            name = re.match(r"[A-Za-z_][A-Za-z0-9_]*", clause[i + 1:])
            if name:
                names.add(name.group())
        i += 1
    names |= set(re.findall(r"\bAS\s+[?$]([A-Za-z_][A-Za-z0-9_]*)", clause, re.IGNORECASE))
    return names


@dataclass(frozen=True)
class Ordering:
    """A final ``ORDER BY`` taken out of a query, to be applied to its answer (`order_rows`);
    ``hidden`` are key variables the query does not project, added to its SELECT for sorting
    and dropped afterwards."""

    keys: tuple[OrderKey, ...] = ()
    hidden: tuple[str, ...] = ()


def _group_keys(code: str, start: int) -> set[str] | None:
    """The plain variables of the outer GROUP BY (between the end of WHERE and ``start``);
    None when the query is not grouped."""
    tail = code[code.rfind("}", 0, start) + 1:start]
    match = re.search(r"\bGROUP\s+BY\b(?P<keys>.*?)(?:\bHAVING\b|$)", tail, re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    plain = re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", " ", match["keys"])  # drop (expression AS ?v)
    return set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", plain))


def split_order(text: str, lists: tuple[str, ...] = ()) -> tuple[str, Ordering]:
    """The query without its final ``ORDER BY``, and that clause, when the rows can be ordered
    after the query: every key a variable (``?v``, ``ASC(?v)``, ``DESC(?v)``) that is projected or
    can be (not under DISTINCT, a GROUP BY key in a grouped query), none a list column, nothing
    (LIMIT, OFFSET, VALUES) after it. Otherwise the text unchanged and no keys.

    Why: Oxigraph compares strings by reading them back from its store on every comparison, so
    its ORDER BY over 22,750 flows took 1.5 s; sorting the answer here takes ~50 ms, the same way
    for every store."""
    code = _code_only(text)
    match = _FINAL_ORDER.search(code)
    if not match or _depth(code, match.start()) != 0:
        return text, Ordering()
    keys = tuple(OrderKey(m["name"], (m["dir"] or "").upper() == "DESC")
                 for m in _KEY_PARTS.finditer(match["keys"]))
    projected = _projected(text)
    if projected is None or any(k.name in lists for k in keys):
        return text, Ordering()
    hidden = tuple(dict.fromkeys(k.name for k in keys if k.name not in projected))
    if hidden:
        select = re.search(r"\bSELECT\b", code, re.IGNORECASE)
        clause = code[select.end():where_start(code)]
        groups = _group_keys(code, match.start())
        if re.match(r"\s*(DISTINCT|REDUCED)\b", clause, re.IGNORECASE) or \
                (groups is not None and not set(hidden) <= groups):
            return text, Ordering()
        where = re.search(r"\bWHERE\s*$", code[:where_start(code)], re.IGNORECASE)
        at = where.start() if where else where_start(code)
        extra = " ".join("?" + name for name in hidden)
        return text[:at] + extra + " " + text[at:match.start()], Ordering(keys, hidden)
    return text[:match.start()], Ordering(keys)


def order_value(term: Node | None) -> tuple:
    """A sort key following SPARQL ORDER BY: unbound < blank nodes < IRIs < literals; numbers by
    value, booleans, then strings (plain and language-tagged) by code point, then other literals.
    Where SPARQL leaves the order open (a number against a string, "a"@ja against "a"), this follows
    Oxigraph only as far as the catalogue needs: each of its columns holds one kind of literal."""
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, URIRef):
        return (2, str(term))
    if isinstance(term, Literal):
        datatype = None if term.datatype is None else str(term.datatype)
        if term.language or datatype in _STRINGS:
            # same text: language-tagged before simple, as Oxigraph orders them (SPARQL leaves it open)
            return (3, 3, str(term), 0 if term.language else 1, term.language or "")
        if datatype in _NUMERIC:
            try:
                number = float(str(term))
            except ValueError:
                number = None
            if number is not None and number == number:  # NaN does not order
                return (3, 0, number, str(term))
        if datatype == str(XSD.boolean) and str(term) in ("true", "false", "1", "0"):
            return (3, 1, str(term) in ("true", "1"))
        return (3, 4, datatype or "", str(term))
    return (4, str(term))


def _ranks(column: list[Node | None], descending: bool) -> list[int]:
    """Each term's rank in `order_value` order (equal keys, equal ranks; negated when descending)."""
    ids = list(map(id, column))  # by id: hashing rdflib literals is slow, and the rows keep terms alive
    values = {key: order_value(term) for key, term in dict(zip(ids, column)).items()}
    rank_of: dict[int, int] = {}
    rank, previous = -1, None
    for key in sorted(values, key=values.__getitem__):
        if values[key] != previous:
            rank, previous = rank + 1, values[key]
        rank_of[key] = -rank if descending else rank
    return list(map(rank_of.__getitem__, ids))


def order_rows(solutions: Solutions, ordering: Ordering) -> Solutions:
    """The rows sorted by the keys (stable), without the hidden key columns.

    One sort on tuples of integer ranks, each term ranked once (flows: 6 keys, 22,750 rows, ~20 ms)."""
    rows = solutions.rows
    if ordering.keys:
        indexes = [solutions.variables.index(key.name) for key in ordering.keys]
        columns = [_ranks([row[index] for row in rows], key.descending)
                   for index, key in zip(indexes, ordering.keys)]
        keys = list(zip(*columns))
        rows = [rows[i] for i in sorted(range(len(rows)), key=keys.__getitem__)]
    if not ordering.hidden:
        return Solutions(solutions.variables, list(rows))
    keep = [i for i, name in enumerate(solutions.variables) if name not in ordering.hidden]
    return Solutions([solutions.variables[i] for i in keep], [tuple(row[i] for i in keep) for row in rows])


@functools.lru_cache(maxsize=128)
def _split_template(text: str, lists: tuple[str, ...]) -> tuple[str, Ordering]:
    return split_order(text, lists)


def run_query(query: NamedQuery, store: QueryStore, params: Mapping[str, str] | None = None) -> Solutions:
    """Run a catalogue query on a store with its parameters bound as RDF terms.

    A final ``ORDER BY`` over projected variables is applied to the answer here, the same way
    for every store (`split_order`); list columns are sorted item by item (`sorted_lists`)."""
    bindings = query.bind(params or {})
    template, ordering = _split_template(query.text, query.lists)  # the VALUES block never touches ORDER BY
    text = query.render(bindings, template)
    answer = store.select(text)  # not under gc_paused: rdflib's engine makes cycles for minutes
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


# --------------------------------------------------------------------------- result formats

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
    writers = {"table": to_table, "csv": to_csv, "tsv": to_tsv, "json": to_json}
    if fmt not in writers:
        raise QueryError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    return writers[fmt](solutions)
