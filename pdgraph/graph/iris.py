"""The IRIs of the graph, derived from content (never random, no blank nodes).

An assessment is named by its register key (評価実施機関 + 評価書番号, else its text), each of
its versions (named graphs) by their 公表日 and text, an
organisation by its canonical name (`canonical_organisation`), a law by its name and a
provision by law, article / paragraph / item or appended table / row (`provision_iri`), so
the same body or provision gets the same IRI in every assessment's graph. `digest` is the
stable short identifier inside them; `iri_segment` writes a number or label as ASCII.
"""
from __future__ import annotations

import hashlib
import re

from rdflib import URIRef

from ..extract.normalise import canonical_organisation
from ..extract.records import Assessment
from ..law.atoms import Atom
from .vocab import ID


def digest(*parts: object, length: int = 12) -> str:
    """Stable short identifier of some content."""
    text = "\u241f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def assessment_id(a: Assessment) -> str:
    """Identity of an assessment: 評価実施機関 + 評価書番号 (the register key), else the text."""
    if a.organization and a.number:
        return digest(canonical_organisation(a.organization), a.number, length=16)
    return digest(a.text_sha256, length=16)


_DATED = re.compile(r"\d{4}-\d{2}(-\d{2})?$")


def version_key(a: Assessment) -> str:
    """Identity of a version of an assessment: its 公表日 (ISO date or year-month) and a short digest
    of its text (``2020-01-11-1a2b3c4d``), else ``d`` + a digest of its text (see
    `pdgraph.graph.versions`). The same text is the same version; two texts are never one."""
    if a.published is not None and a.published.iso and _DATED.match(a.published.iso):
        return f"{a.published.iso}-{digest(a.text_sha256, length=8)}"
    return f"d{digest(a.text_sha256)}"


def graph_iri(a: Assessment) -> URIRef:
    """The named graph of one version of an assessment: ``pid:graph/<aid>/version/<key>``."""
    return ID[f"graph/{assessment_id(a)}/version/{version_key(a)}"]


def iri_segment(value: str) -> str:
    """A number or label as an ASCII path segment of an IRI ("30の9" -> "30-9", "*" -> "all")."""
    return re.sub(r"[^0-9A-Za-z*]+", "-", value.replace("の", "-").replace("*", "all")).strip("-") or "x"


def organisation_iri(name: str) -> URIRef:
    return ID[f"org/{digest(canonical_organisation(name))}"]


_DEPARTMENT_NAME = re.compile(r"(課|部|室|係|班|局|所|センター|担当|グループ|支所|出張所)$")


def is_department_name(name: str) -> bool:
    """A 移転先 named like a unit of the body (市民部 市民課, 総合福祉事務所), not an outside body.

    Some bodies list an outside body under 移転 for convenience (松戸市: 千葉県後期高齢者医療広域連合).
    """
    return bool(_DEPARTMENT_NAME.search(name.strip())) and not re.search(r"(広域連合|機構|協会|基金|組合)", name)


def law_iri(law: str) -> URIRef:
    return ID[f"law/{digest(law)}"]


_TABLE_SLUG = {"別表第一": "1", "別表第二": "2", "別表": "single"}  # 別表: the single table since 2024


def provision_iri(atom: Atom) -> URIRef:
    """The most specific provision an atom cites (law, article/paragraph/item, table, row)."""
    base = law_iri(atom.law)
    if atom.table:
        table = ID[f"law/{digest(atom.law)}/table/{_TABLE_SLUG.get(atom.table, iri_segment(atom.table))}"]
        return table if atom.row is None else URIRef(f"{table}/row/{iri_segment(atom.row)}")
    if atom.article is None:
        return base
    iri = f"{base}/article/{iri_segment(atom.article)}"
    if atom.paragraph is not None:
        iri += f"/paragraph/{iri_segment(atom.paragraph)}"
    if atom.item is not None:
        iri += f"/item/{iri_segment(atom.item)}"
    return URIRef(iri)
