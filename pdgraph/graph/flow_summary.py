"""Stage 5b, map to RDF: per-flow summary literals derived from a graph's own triples.

Each flow (``pdg:Flow``) gets three plain literals that spell out, in one value, what a
reader of a flow table wants and what otherwise takes a dozen joins to put together:

- ``pdg:counterpartSummary``: the counterpart's label — the recipient (提供 / 移転), else
  the contractors (委託 / 再委託), else the named data source (入手), else the 入手元
  category;
- ``pdg:legalBasisSummary``: the labels of the flow's own citations (``dpv:hasLegalBasis``)
  and of those its annex title states (an annex row rests on them too);
- ``pdg:methodSummary``: the labels of the flow's own methods, else those of the aggregate
  entry it is a row of (別紙1 rows travel by the entry's 情報提供ネットワークシステム).

Values are the distinct labels, sorted, joined by `SEPARATOR`; a summary with no label is
not written. They repeat what the links already say (the links stay the truth), so that the
whole-corpus ``flows`` query reads three values per flow instead of joining labels over the
corpus (1.3 s → under 1 s at 1,000 assessments on Oxigraph; docs/queries.md "Performance").
Being derived from the triples alone, the same function serves any graph in the model.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .vocab import DPV, PDG

SEPARATOR = " | "

Triple = tuple[URIRef, URIRef, object]


class _Index:
    """Objects by subject and predicate, and the types of each node."""

    def __init__(self, triples: Iterable[Triple]):
        self.objects: dict[tuple, list] = defaultdict(list)
        for s, p, o in triples:
            self.objects[s, p].append(o)

    def values(self, node, predicate) -> list:
        return self.objects.get((node, predicate), [])

    def has_type(self, node, type_) -> bool:
        return type_ in self.values(node, RDF.type)

    def labels(self, nodes: Iterable, type_: URIRef | None = None) -> set[str]:
        return {str(label) for node in nodes if type_ is None or self.has_type(node, type_)
                for label in self.values(node, RDFS.label)}


def counterpart_labels(index: _Index, flow) -> set[str]:
    """The first of: recipient, contractors, named data source, source category (their labels)."""
    candidates = (
        lambda: index.labels(index.values(flow, PDG.recipient), DPV.Recipient),
        lambda: index.labels(index.values(flow, PDG.contractor)),
        lambda: index.labels(index.values(flow, PDG.dataSource), DPV.DataSource),
        lambda: index.labels(index.values(flow, PDG.sourceCategory)),
    )
    for candidate in candidates:
        labels = candidate()
        if labels:
            return labels
    return set()


def citation_labels(index: _Index, flow) -> set[str]:
    """The flow's own citations and those stated by the title of the annex it is a row of."""
    cited = list(index.values(flow, DPV.hasLegalBasis))
    for annex in index.values(flow, PDG.inAnnex):
        if index.has_type(annex, PDG.Annex) and index.values(annex, PDG.annexLabel):
            for statement in index.values(annex, PDG.legalBasisStatement):
                cited.extend(index.values(statement, PDG.cites))
    return index.labels(cited)


def method_labels(index: _Index, flow) -> set[str]:
    """The flow's own methods, else those of the aggregate entry it is a row of."""
    own = index.labels(index.values(flow, PDG.method), PDG.Method)
    if own:
        return own
    return index.labels(m for entry in index.values(flow, PDG.breakdownOf) for m in index.values(entry, PDG.method))


def summary_literal(labels: set[str]) -> Literal | None:
    items = sorted({label.strip() for label in labels if label.strip()})
    return Literal(SEPARATOR.join(items)) if items else None


def flow_summary_triples(triples: Iterable[Triple]) -> set[Triple]:
    """The summary triples of every flow in ``triples`` (one assessment's graph)."""
    index = _Index(triples)
    flows = [s for (s, p), objects in index.objects.items() if p == RDF.type and PDG.Flow in objects]
    out: set[Triple] = set()
    for flow in flows:
        for predicate, labels in ((PDG.counterpartSummary, counterpart_labels(index, flow)),
                                  (PDG.legalBasisSummary, citation_labels(index, flow)),
                                  (PDG.methodSummary, method_labels(index, flow))):
            value = summary_literal(labels)
            if value is not None:
                out.add((flow, predicate, value))
    return out
