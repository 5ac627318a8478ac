"""Deterministic TriG: the same documents give byte-identical output.

rdflib's own serialisers are correct but neither guaranteed stable nor fast at
scale (see guides/engines.md: 95 s for 1,000 assessments), so TriG is written
here: graphs sorted by IRI, subjects and predicate/object pairs sorted, terms
written in N-Triples form with the project prefixes.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager

from .vocab import PREFIXES

_ORDERED_PREFIXES = sorted(PREFIXES.items(), key=lambda item: len(str(item[1])), reverse=True)
_NAMESPACES = NamespaceManager(Graph(bind_namespaces="none"))
for _prefix, _namespace in PREFIXES.items():
    _NAMESPACES.bind(_prefix, _namespace, override=True)


def term(node) -> str:
    """A term in Turtle syntax, using a prefix where the local name is safe."""
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in _ORDERED_PREFIXES:
            ns = str(namespace)
            if text.startswith(ns):
                local = text[len(ns):]
                if local and local.replace("_", "a").isalnum() and local.isascii() and not local[0].isdigit():
                    return f"{prefix}:{local}"
        return node.n3()
    if isinstance(node, Literal):
        return node.n3(_NAMESPACES)
    raise TypeError(f"blank nodes are not written: {node!r}")


def graph_body(graph: Graph) -> list[str]:
    """Sorted Turtle statements of one graph."""
    by_subject: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s, p, o in graph:
        by_subject[term(s)].append((term(p), term(o)))
    lines: list[str] = []
    for subject in sorted(by_subject):
        pairs = sorted(set(by_subject[subject]))
        parts = [f"{p} {o}" for p, o in pairs]
        lines.append(f"  {subject} " + " ;\n    ".join(parts) + " .")
    return lines


def trig(dataset: Dataset, graphs: Iterable[Graph] | None = None) -> str:
    """The named graphs of a dataset as deterministic TriG text."""
    chosen = graphs if graphs is not None else [g for g in dataset.graphs() if len(g)]
    out = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in sorted(PREFIXES.items())]
    for graph in sorted(chosen, key=lambda g: str(g.identifier)):
        out.append("")
        out.append(f"{term(graph.identifier)} {{")
        out.extend(graph_body(graph))
        out.append("}")
    return "\n".join(out) + "\n"
