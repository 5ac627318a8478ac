"""Several SPARQL endpoints queried as one corpus: SPARQL 1.1 Federated Query (``SERVICE``).

A corpus is partitioned by assessment (one self-contained named graph each: shared nodes such as
laws, organisations and system kinds are described again in every graph), so it can be split
over several stores, each served by its own server. `federate` rewrites a query so that its
patterns are evaluated on every shard and the answers are united before anything is counted:

    SELECT … WHERE { BODY } GROUP BY …
    →  SELECT … WHERE { { BODY } UNION { SERVICE <shard-2> { BODY } } UNION … } GROUP BY …

The query goes to the first endpoint, which evaluates BODY on its own store and sends BODY to
the others (a server with SERVICE support: Oxigraph, Virtuoso, Fuseki, GraphDB). BODY holds the
VALUES block of the parameters, so they travel as bound terms to every shard; the outer part
(projection, GROUP BY, aggregates, HAVING) runs over the union of all shards' rows, so counts
of distinct things across assessments are those of the whole corpus.

A subquery that aggregates (or is DISTINCT) across graphs, ``{ SELECT (COUNT(DISTINCT ?x) AS ?n)
WHERE { GRAPH ?g { … } } }``, would count per shard; such a subquery standing alone in the WHERE
group is federated on its own (its WHERE body is the one sent to every shard) and joined with
the federated rest of the group. One keyed by its graph variable (``SELECT ?g ?flow …``,
``GROUP BY ?g …``) cannot merge rows of two shards and stays inside BODY. A cross-graph
aggregate anywhere else (under OPTIONAL, MINUS, UNION) cannot be split exactly: `FederationError`.

What a shard cannot know: a property path that walks from one assessment's graph into another's
(``reach``: body → recipient → the recipient's own assessment) stops at the edge of a shard;
such queries say so in a ``# federation:`` header line. Every other catalogue query gives the
answer of one store holding everything (tests/test_federation.py, two servers on loopback).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef

from ..graph.endpoint import EndpointStore, check_url
from ..graph.stores import Solutions
from .order import code_chars, projected, where_end, where_start
from .params import QueryError, sparql_term


class FederationError(QueryError):
    """A query cannot be split over shards with the same answer as on one store."""


_AGGREGATE = re.compile(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(|\bGROUP\s+BY\b", re.IGNORECASE)
_DISTINCT = re.compile(r"^\s*SELECT\s+(DISTINCT|REDUCED)\b", re.IGNORECASE)
_GRAPH_VARIABLE = re.compile(r"\bGRAPH\s+[?$]([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)
_SUBQUERY = re.compile(r"\s*SELECT\b", re.IGNORECASE)
_BEFORE_STANDALONE = ("{", "}", ".", "")  # what may precede a block that is simply joined


@dataclass(frozen=True)
class _Block:
    start: int  # index of "{"
    end: int  # index of the matching "}"
    depth: int  # 1 = directly inside the group being rewritten


def _blocks(text: str, start: int, end: int) -> list[_Block]:
    """Every ``{ … }`` strictly inside text[start:end], with its depth below the group."""
    blocks, stack = [], []
    for i, ch in code_chars(text, end):
        if i <= start:
            continue
        if ch == "{":
            stack.append(i)
        elif ch == "}" and stack:
            opened = stack.pop()
            blocks.append(_Block(opened, i, len(stack) + 1))
    return sorted(blocks, key=lambda b: b.start)


def _code(text: str) -> str:
    """The code characters of a text, comments and strings blanked (positions kept)."""
    chars = [" "] * len(text)
    for i, ch in code_chars(text):
        chars[i] = ch
    return "".join(chars)


def _is_subquery(text: str, block: _Block) -> bool:
    return _SUBQUERY.match(text, block.start + 1) is not None


def _shard_safe(subquery: str) -> bool:
    """Whether a subquery's rows can be computed per shard and united: it neither aggregates nor
    de-duplicates, or its rows are keyed by a graph variable (no two shards share a graph)."""
    code = _code(subquery)
    if not (_AGGREGATE.search(code) or _DISTINCT.match(code)):
        return True
    keys = projected(subquery)
    graphs = set(_GRAPH_VARIABLE.findall(code))
    if keys is None:  # SELECT *: every variable, so every graph variable, is a key
        return bool(graphs)
    group = re.search(r"\bGROUP\s+BY\b(.*)$", code[where_end(code) + 1:], re.IGNORECASE | re.DOTALL)
    if group:
        keys = keys & set(re.findall(r"[?$]([A-Za-z_][A-Za-z0-9_]*)", group.group(1)))
    return bool(keys & graphs)


def _standalone(text: str, block: _Block, group_start: int) -> bool:
    """A block joined as it is (not the operand of OPTIONAL, MINUS, UNION, GRAPH, SERVICE, EXISTS)."""
    code = _code(text)
    before = code[group_start + 1:block.start].rstrip()
    after = code[block.end + 1:].lstrip()
    return before[-1:] in _BEFORE_STANDALONE and not re.match(r"UNION\b", after, re.IGNORECASE)


def _check_no_unsafe(text: str, start: int, end: int) -> None:
    for block in _blocks(text, start, end):
        if _is_subquery(text, block) and not _shard_safe(text[block.start + 1:block.end]):
            line = text.count("\n", 0, block.start) + 1
            raise FederationError(f"a subquery at line {line} aggregates across graphs inside OPTIONAL, MINUS, "
                                  "UNION or a nested group: it cannot be split over shards exactly")


def _union(body: str, services: Sequence[str]) -> str:
    # each URL is written as one checked IRI term, as a parameter is
    branches = ["{" + body + "}"] + [f"{{ SERVICE {sparql_term(URIRef(check_url(url)))} {{{body}}} }}"
                                     for url in services]
    return "\n  " + "\n  UNION\n  ".join(branches) + "\n"


def _federate_group(text: str, start: int, end: int, services: Sequence[str]) -> str:
    """The new content of the group text[start] … text[end] (its braces excluded)."""
    separate = [b for b in _blocks(text, start, end)
                if b.depth == 1 and _is_subquery(text, b) and _standalone(text, b, start)
                and not _shard_safe(text[b.start + 1:b.end])]
    if not separate:
        _check_no_unsafe(text, start, end)
        return _union(text[start + 1:end], services)
    pieces, rest, position = [], [], start + 1
    for block in separate:
        rest.append(text[position:block.start])
        pieces.append("{ " + federate(text[block.start + 1:block.end], services) + " }")
        position = block.end + 1
    rest.append(text[position:end])
    remainder = "".join(rest)
    if _code(remainder).strip():
        offset = len(remainder)
        wrapped = "{" + remainder + "}"
        _check_no_unsafe(wrapped, 0, offset + 1)
        pieces.append(_union(remainder, services))
    return "\n  " + "\n  ".join(pieces) + "\n"


def federate(text: str, services: Sequence[str]) -> str:
    """The query with its patterns evaluated locally and on each service, answers united first."""
    if not services:
        return text
    start, end = where_start(text), where_end(text)
    return text[:start + 1] + _federate_group(text, start, end, services) + text[end:]


class FederatedStore:
    """Endpoints answering as one store: queries go to ``endpoints[0]``, which federates the rest."""

    name = "federated"

    def __init__(self, endpoints: Sequence[EndpointStore]):
        if not endpoints:
            raise ValueError("no endpoint")
        self.endpoints = list(endpoints)

    @property
    def services(self) -> list[str]:
        return [endpoint.url for endpoint in self.endpoints[1:]]

    def select(self, text: str) -> Solutions:
        return self.endpoints[0].select(federate(text, self.services))

    def graph_count(self) -> int:
        return sum(endpoint.graph_count() for endpoint in self.endpoints)

    def add_dataset(self, dataset) -> int:
        return self.endpoints[0].add_dataset(dataset)


__all__ = ["FederatedStore", "FederationError", "federate"]
