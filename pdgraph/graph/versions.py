"""Versions of an assessment: identity and version kept apart, every version its own named graph.

An assessment is identified by its register key (評価実施機関 + 評価書番号, `iris.assessment_id`);
a version of it by its 公表日 and its text (`iris.version_key`: ``2020-01-11-1a2b3c4d``, or
``d<digest>`` when the 公表日 is not in the document). Each version is one named graph,
``pid:graph/<aid>/version/<key>``, holding exactly what one assessment's graph holds. So:

- re-ingesting the same document gives the same graph (it replaces itself: idempotent);
- a different document of the same assessment adds a version beside the others, also when it
  has the same 公表日 (a correction, or the PDF and the text of one publication): nothing is
  lost, and which one a batch keeps can never depend on the order of the inputs.

The versions of an assessment that has more than one are described in one more named graph, its
catalogue ``pid:graph/<aid>/versions`` (`catalogue_triples`; one version needs none, it is current):
each version graph is a ``pdg:AssessmentVersion``, ``dcat:isVersionOf`` the assessment, with
``dcat:version`` (the key), ``dcterms:issued`` (the 公表日), ``pdg:versionSequence`` (1 = oldest), and
``prov:wasRevisionOf`` / ``dcat:previousVersion`` the version before it; the assessment
``dcat:hasVersion`` each and ``dcat:hasCurrentVersion`` the newest. Everything here is a function of
the graph names alone, so the catalogue, and which versions are current, never depend on the order
of the inputs.

Versions are ordered by 公表日, then by their text digest (an arbitrary but fixed order for two
texts of one day); versions without a 公表日 come first, in digest order (they cannot be placed,
and a dated version is the better current one).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from ..extract.records import Assessment
from .iris import graph_iri, version_key
from .vocab import DCAT, ID, PDG

_VERSION = re.compile(re.escape(str(ID)) + r"graph/([0-9a-f]{16})/version/([0-9A-Za-z-]+)$")
_CATALOGUE = re.compile(re.escape(str(ID)) + r"graph/([0-9a-f]{16})/versions$")
_DATED = re.compile(r"(\d{4}-\d{2}(?:-\d{2})?)-[0-9a-f]{8}$")


def version_graph_iri(a: Assessment) -> URIRef:
    """The named graph of one version of an assessment (`iris.graph_iri`)."""
    return graph_iri(a)


def catalogue_iri(aid: str) -> URIRef:
    """The named graph that lists the versions of assessment ``aid``."""
    return ID[f"graph/{aid}/versions"]


@dataclass(frozen=True)
class Version:
    """A version graph's name, read back: the assessment id and the version key."""

    name: str
    aid: str
    key: str

    @property
    def dated(self) -> bool:
        return bool(_DATED.match(self.key))

    @property
    def order(self) -> tuple:
        """Oldest first: undated versions (digest order) before dated ones (by 公表日)."""
        return (self.dated, self.key)


def parse_version(name: str | URIRef) -> Version | None:
    """The version a graph name stands for, or None (a graph from elsewhere, a catalogue)."""
    match = _VERSION.match(str(name))
    return Version(str(name), match.group(1), match.group(2)) if match else None


def is_catalogue(name: str | URIRef) -> bool:
    return bool(_CATALOGUE.match(str(name)))


def versions_by_assessment(names: Iterable[str | URIRef]) -> dict[str, list[Version]]:
    """The version graphs among ``names``, per assessment id, oldest first."""
    grouped: dict[str, dict[str, Version]] = defaultdict(dict)
    for name in names:
        version = parse_version(name)
        if version is not None:
            grouped[version.aid][version.name] = version
    return {aid: sorted(found.values(), key=lambda v: v.order) for aid, found in sorted(grouped.items())}


def current_graphs(names: Iterable[str | URIRef]) -> list[str]:
    """The graphs that answer by default: the newest version of each assessment, and every graph
    that is not a version (RDF from elsewhere); never a catalogue. Sorted by name."""
    names = [str(n) for n in names]
    newest = {versions[-1].name for versions in versions_by_assessment(names).values()}
    return sorted({n for n in names if (n in newest or parse_version(n) is None) and not is_catalogue(n)})


def _issued(key: str) -> Literal:
    date = _DATED.match(key).group(1)
    return Literal(date, datatype=XSD.date if len(date) == 10 else XSD.gYearMonth)


def catalogue_triples(aid: str, versions: list[Version]) -> set[tuple]:
    """The triples of the catalogue graph of one assessment (``versions`` oldest first)."""
    assessment = ID[f"assessment/{aid}"]
    triples: set[tuple] = set()
    previous = None
    for sequence, version in enumerate(versions, start=1):
        node = URIRef(version.name)
        triples |= {(node, RDF.type, PDG.AssessmentVersion), (node, DCAT.isVersionOf, assessment),
                    (assessment, DCAT.hasVersion, node), (node, DCAT.version, Literal(version.key)),
                    (node, PDG.versionSequence, Literal(sequence))}
        if version.dated:
            triples.add((node, DCTERMS.issued, _issued(version.key)))
        if previous is not None:
            triples |= {(node, PROV.wasRevisionOf, previous), (node, DCAT.previousVersion, previous)}
        previous = node
    if previous is not None:
        triples.add((assessment, DCAT.hasCurrentVersion, previous))
    return triples


def catalogues(names: Iterable[str | URIRef]) -> dict[str, set[tuple]]:
    """Catalogue graph name -> its triples, for every assessment with more than one version among
    ``names`` (an assessment with one version needs none: that version is current)."""
    return {str(catalogue_iri(aid)): catalogue_triples(aid, versions)
            for aid, versions in versions_by_assessment(names).items() if len(versions) > 1}


def pick_same_version(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    """Two sources gave a graph of the same name (the same text twice, or two RDF files holding one
    graph): keep one, the same whatever their order. Each is ``(text digest, source)``; the smaller
    is kept."""
    return min(a, b)


def old_versions(names: Iterable[str | URIRef]) -> set[str]:
    """The version graphs among ``names`` that are not the newest of their assessment (the history)."""
    return {v.name for versions in versions_by_assessment(names).values() for v in versions[:-1]}


class SameVersion:
    """Decides which of several graphs of one name (one version) a batch keeps: the same whatever
    the order of the inputs (`pick_same_version`); remembers what it set aside, for the summary."""


    def __init__(self):
        self.kept: dict[str, tuple[str, str]] = {}
        self.set_aside: dict[str, list[str]] = {}  # graph name -> sources of the same version not kept

    def keep(self, name: str, source: str, text_digest: str | None) -> bool:
        """Whether the graph ``name`` from ``source`` replaces what was kept so far under that name."""
        candidate = (text_digest or "", source)
        previous = self.kept.get(name)
        if previous is None or previous == candidate:
            self.kept[name] = candidate
            return True
        winner = pick_same_version(previous, candidate)
        loser = candidate if winner == previous else previous
        self.set_aside.setdefault(name, []).append(loser[1])
        self.kept[name] = winner
        return winner == candidate

    def source_of(self, name: str) -> str | None:
        kept = self.kept.get(name)
        return kept[1] if kept else None
