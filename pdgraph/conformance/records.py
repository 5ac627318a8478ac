"""Stage 6, validate — the records: what a validation run produces, engine-neutral.

    `Severity` (sh:Violation > sh:Warning > sh:Info), `Location` (document:line, or
    document:place such as file.pdf:p12:L7),
    `Finding` (one located, bilingual SHACL result), `AssessmentResult` (the
    findings of one assessment graph) and `Report` (a whole run).

These are plain typed data: the engines (pdgraph.conformance.engines) fill
them, pdgraph.conformance locates and explains them, pdgraph.conformance.report
renders them. All of them are importable from `pdgraph.conformance`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

from rdflib import Graph, Namespace, URIRef

from ..graph.ingest import Problem
from ..graph.vocab import PREFIXES

SH = Namespace("http://www.w3.org/ns/shacl#")
PDGSH = Namespace("https://w3id.org/pdgraph/shapes#")


def prefixed_graph() -> Graph:
    """An empty graph with the project's prefixes and sh:, pdgsh: bound (shapes and report graphs)."""
    graph = Graph()
    for prefix, namespace in {**PREFIXES, "sh": SH, "pdgsh": PDGSH}.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def local_name(iri: str) -> str:
    """The last segment of an IRI (after the last # or /): the name shown for a shape or component."""
    return re.split(r"[#/]", iri)[-1] if iri else ""


class Severity(str, Enum):
    """sh:Violation > sh:Warning > sh:Info."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @property
    def iri(self) -> URIRef:
        return SH[self.value]

    @property
    def rank(self) -> int:
        """0 for the most severe (sort key)."""
        return list(Severity).index(self)

    @classmethod
    def parse(cls, value: object) -> "Severity":
        """From sh:Violation (IRI), "Violation" or "violation"."""
        text = str(value).rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()
        for severity in cls:
            if severity.value.lower() == text:
                return severity
        raise ValueError(f"not a SHACL severity: {value}")


@dataclass(frozen=True)
class Location:
    """Where a finding was read: document name, 1-based line of the text as read (either may be
    unknown) and, in a PDF or a text of page-long lines, the place in the file ("p12:L7",
    "L3:c1201"; pdg:sourcePlace)."""

    document: str | None
    line: int | None
    place: str | None = None

    @property
    def shown(self) -> str:
        """What a reader looks for in the document: the place, else the line ("?" if unknown)."""
        return self.place or (str(self.line) if self.line is not None else "?")

    def __str__(self) -> str:
        return f"{self.document or '?'}:{self.shown}"


@dataclass(frozen=True)
class Finding:
    """One SHACL result, located and explained."""

    severity: Severity
    shape: str
    focus: str
    path: str | None
    value: str | int | float | bool | None
    message_ja: str
    message_en: str
    source: Location
    component: str | None = None
    value_is_iri: bool = False

    def message(self, lang: str = "both") -> str:
        """The message in "ja", "en" or "both" (Japanese / English)."""
        if lang == "ja":
            return self.message_ja
        if lang == "en":
            return self.message_en
        return f"{self.message_ja} / {self.message_en}"

    @property
    def shape_name(self) -> str:
        return local_name(self.shape)

    def sort_key(self) -> tuple:
        return (self.source.line if self.source.line is not None else 10**9, self.severity.rank, self.shape,
                self.focus, str(self.path), str(self.value))

    def to_json(self, lang: str = "both") -> dict:
        return {"severity": self.severity.value, "message": self.message(lang),
                "messages": {"ja": self.message_ja, "en": self.message_en},
                "focus": self.focus, "path": self.path, "value": self.value, "shape": self.shape,
                "component": self.component,
                "source": self._source_json()}

    def _source_json(self) -> dict:
        source = {"document": self.source.document, "line": self.source.line}
        if self.source.place is not None:  # PDFs and page-long lines only: line-by-line text is unchanged
            source["place"] = self.source.place
        return source


@dataclass
class AssessmentResult:
    """The findings of one assessment graph, with what identifies the assessment to a reader."""

    graph: str
    assessment: str | None = None
    document: str | None = None
    document_node: str | None = None
    organization: str | None = None
    kind: str | None = None
    number: str | None = None
    title: str | None = None
    findings: list[Finding] = field(default_factory=list)
    source: str | None = None  # the input as the user named it (two files may share a name), when read from one

    @property
    def shown_document(self) -> str:
        """How a report names where the assessment came from: the input path, else its document name."""
        return self.source or self.document or self.graph

    @property
    def conforms(self) -> bool:
        """True when there is no Violation (Warnings and Infos allowed)."""
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity for f in self.findings)
        return {s.value: counter.get(s, 0) for s in Severity}

    @property
    def heading(self) -> str:
        parts = [self.organization or "?", self.kind or "評価書"]
        if self.number:
            parts.append(f"No.{self.number}")
        return " ".join(parts)

    def to_json(self) -> dict:
        return {"graph": self.graph, "assessment": self.assessment, "document": self.document, "source": self.source,
                "organization": self.organization, "kind": self.kind, "number": self.number,
                "title": self.title, "conforms": self.conforms, "counts": self.counts()}


@dataclass
class Report:
    """A validation run: per-assessment results, the inputs that could not be read, the engine used."""

    results: list[AssessmentResult]
    engine: str
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return all(r.conforms for r in self.results)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity for f in self.findings)
        return {s.value: counter.get(s, 0) for s in Severity}
