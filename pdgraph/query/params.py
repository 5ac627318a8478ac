"""Query parameters: their types (`TYPES`), the variables derived from them (`DERIVATIONS`),
and RDF terms written in SPARQL syntax (`sparql_term`) for the VALUES block that binds them.

A value is converted to one RDF term by its parameter's type, never pasted into query text:
the converters refuse what a SPARQL processor would rewrite before parsing (``\\u`` escapes,
control characters), and `sparql_term` escapes quotes and backslashes, so a literal can never
end early. Also the errors of the query stage (`QueryError`, `QueryParameterError`).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Identifier, Node

from ..errors import PdgraphError
from ..extract.normalise import canonical_organisation, system_kind
from ..graph.vocab import SYSTEM_KIND
from ..law.atoms import canonical_law, table_name
from ..law.numerals import branch_number


class QueryError(PdgraphError):
    """A query cannot be found, read or run."""


class QueryParameterError(QueryError):
    """A parameter is unknown, missing or has a value its type does not accept."""


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
    `pdgraph.graph.iris.provision_iri` mints them; a row also brings the table's 各項 (every row) node."""
    from ..law.atoms import Atom
    from ..graph.iris import provision_iri

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
