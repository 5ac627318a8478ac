"""A remote SPARQL endpoint as a query store: the SPARQL 1.1 Protocol over HTTP (standard library).

`EndpointStore(url).select(text)` sends the query as an HTML form POST (``query=…``, the one
request form every server implements: Oxigraph, Virtuoso, Fuseki, GraphDB, Blazegraph…),
asks for SPARQL 1.1 Query Results JSON, and turns the answer into the same `Solutions` as the
embedded stores (rdflib terms; an ``xsd:string`` literal is the simple literal, as
`stores.from_oxigraph` makes it), so the catalogue's ordering and formats are unchanged.

The catalogue binds parameters as RDF terms in a VALUES block of the query text before it is
sent (`pdgraph.query.catalogue`), so nothing here ever builds query text from a value.

Catalogue queries read the union of the named graphs as the default graph (`reach`,
`by-legal-basis`); an endpoint must be set up that way: ``pdgraph serve`` starts Oxigraph with
``--union-default-graph``; Virtuoso and GraphDB do it by default; Fuseki/TDB2 needs
``tdb2:unionDefaultGraph true`` (docs/scale.md).

Every failure is an `EndpointError` whose message starts with the URL: connection refused,
no answer within the timeout, an HTTP error status (with the first line of the server's
message), or an answer that is not SPARQL JSON results (an HTML page, a truncated stream).
"""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .stores import Solutions, StoreError, gc_paused

RESULTS_JSON = "application/sparql-results+json"
DEFAULT_TIMEOUT = 300.0  # seconds; whole-corpus queries take a few seconds at 10,000 assessments
_XSD_STRING = str(XSD.string)
_USER_AGENT = "pdgraph (SPARQL 1.1 Protocol client)"


class EndpointError(StoreError):
    """A SPARQL endpoint cannot be reached or gave no SPARQL answer."""


def check_url(url: str) -> str:
    """The endpoint URL if it is an absolute http(s) URL with a host; else `EndpointError`."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EndpointError(f"{url}: not an http(s) URL of a SPARQL endpoint (e.g. http://127.0.0.1:7878/query)")
    return url


def _term_converter() -> Callable[[dict], Node | None]:
    """A SPARQL JSON term (``{"type": …, "value": …}``) as an rdflib term, cached per answer:
    labels, kinds and citations repeat down a column."""
    done: dict[tuple, Node] = {}

    def convert(term: dict) -> Node:
        kind, value = term["type"], term["value"]
        lang, datatype = term.get("xml:lang"), term.get("datatype")
        key = (kind, value, lang, datatype)
        try:
            return done[key]
        except KeyError:
            pass
        if not isinstance(value, str):
            raise ValueError(f"value {value!r} is not a string")
        if kind == "uri":
            node: Node = URIRef(value)
        elif kind == "bnode":
            node = BNode(value)
        elif kind in ("literal", "typed-literal"):  # typed-literal: the 2008 format (older Virtuoso)
            if lang:
                node = Literal(value, lang=lang)
            elif datatype and datatype != _XSD_STRING:
                node = Literal(value, datatype=URIRef(datatype))
            else:
                node = Literal(value)
        else:
            raise ValueError(f"unknown term type {kind!r}")
        done[key] = node
        return node

    return convert


def parse_results(data: object) -> Solutions:
    """SPARQL 1.1 Query Results JSON (already decoded) as `Solutions`; `ValueError` if it is not that."""
    if not isinstance(data, dict) or not isinstance(data.get("head"), dict):
        raise ValueError("no 'head' object")
    variables = data["head"].get("vars", [])
    results = data.get("results")
    if "boolean" in data and results is None:
        raise ValueError("an ASK answer (boolean), not a SELECT answer")
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        raise ValueError("'head.vars' is not a list of names")
    if not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        raise ValueError("no 'results.bindings' list")
    convert = _term_converter()
    try:
        with gc_paused():
            rows = [tuple(None if (term := binding.get(v)) is None else convert(term) for v in variables)
                    for binding in results["bindings"]]
    except (AttributeError, KeyError, TypeError) as error:
        raise ValueError(f"a malformed binding ({type(error).__name__}: {error})") from None
    return Solutions(list(variables), rows)


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    line = text.splitlines()[0] if text else ""
    return line[:200] + ("…" if len(line) > 200 else "")


class EndpointStore:
    """A SPARQL endpoint reached over HTTP; answers SELECT queries like the embedded stores."""

    name = "endpoint"

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT):
        self.url = check_url(url)
        self.timeout = timeout

    def _post(self, form: dict[str, str], accept: str) -> tuple[bytes, str]:
        body = urllib.parse.urlencode(form).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": accept, "User-Agent": _USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            detail = _first_line(error.read() or b"")
            raise EndpointError(f"{self.url}: HTTP {error.code} {error.reason}"
                                + (f": {detail}" if detail else "")) from None
        except (TimeoutError, socket.timeout):
            raise EndpointError(f"{self.url}: no answer within {self.timeout:g} s (timeout)") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise EndpointError(f"{self.url}: no answer within {self.timeout:g} s (timeout)") from None
            raise EndpointError(f"{self.url}: cannot connect: {reason}") from None
        except (OSError, ValueError) as error:  # reset connection, bad status line, http.client errors
            raise EndpointError(f"{self.url}: {type(error).__name__}: {error}") from None

    def select(self, text: str) -> Solutions:
        """Run a SELECT query on the endpoint; the answer as `Solutions`."""
        body, content_type = self._post({"query": text}, f"{RESULTS_JSON}, application/json;q=0.9")
        media = content_type.split(";")[0].strip().lower()
        if media and "json" not in media:
            raise EndpointError(f"{self.url}: not a SPARQL results answer (Content-Type {media}): "
                                f"{_first_line(body)}")
        try:
            data = json.loads(body)
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
            # a server that fails while streaming has already sent "200 OK": the JSON stops early,
            # often with the server's message at the end
            tail = body[-200:].decode("utf-8", "replace").strip().splitlines()
            raise EndpointError(f"{self.url}: not a SPARQL JSON results answer "
                                f"({getattr(error, 'msg', None) or error}){': ' + tail[-1] if tail else ''}") from None
        try:
            return parse_results(data)
        except ValueError as error:
            raise EndpointError(f"{self.url}: not a SPARQL JSON results answer: {error}") from None

    def update(self, text: str) -> None:
        """Send a SPARQL 1.1 Update (``update=…``) to this URL (an update endpoint)."""
        self._post({"update": text}, "*/*")

    def graph_count(self) -> int:
        """Named graphs of the endpoint (one query: its size is the number of graphs)."""
        answer = self.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { } }")
        return int(answer.rows[0][0]) if answer.rows and answer.rows[0][0] is not None else 0

    def add_dataset(self, dataset: Dataset) -> int:
        raise EndpointError(f"{self.url}: a SPARQL endpoint is queried, not loaded by pdgraph "
                            "(load its store: docs/scale.md)")


__all__ = ["DEFAULT_TIMEOUT", "EndpointError", "EndpointStore", "RESULTS_JSON", "check_url", "parse_results"]
