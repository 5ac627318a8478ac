"""Comparing: two `Snapshot`s of one assessment -> the `Difference`s a reviewer can act on.

Parts are matched by meaning, never by line or position: systems, files and 委託事項 by name,
提供先 / 移転先 and annex rows by recipient name (the same recipient listed twice, as
市町村長 often is, is paired by shared citations, then 事務, then position), 入手元 by category
and entity, citations by provision (番号法 別表第二 33の項 is one IRI in every graph). An entry
whose recipient was renamed but whose citations and 事務 stayed is "changed", not removed and added.

Each difference carries where it was read on both sides (``document:line`` or ``document:p3:L7``)
and the clues (names, form anchors such as 提供先2 or 別紙1 No.5, provisions) by which the
newer version's 変更箇所 table can be said to declare it (`pdgraph.diff.declared`).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TypeVar

from .snapshot import BasisPart, ChangePart, EntrustmentPart, FilePart, FlowPart, Snapshot, SystemPart

# Section key -> Japanese label, in the order reports show them.
SECTIONS: dict[str, str] = {
    "assessment": "評価書",
    "system": "システム",
    "file": "特定個人情報ファイル",
    "source": "入手元",
    "provision": "提供先",
    "transfer": "移転先",
    "annex_row": "別紙の行 (提供先・移転先)",
    "entrustment": "委託",
    "reentrustment": "再委託",
    "number_use": "個人番号の利用",
    "linkage": "情報連携",
    "change": "変更箇所",
}
CHANGES: dict[str, str] = {"added": "追加", "removed": "削除", "changed": "変更"}
ASPECTS: dict[str, str] = {
    "": "",
    "published": "公表日",
    "kind": "種別",
    "name": "名称",
    "connections": "接続",
    "subjects": "本人の数",
    "record_count": "記録される項目",
    "recipient": "提供先・移転先の名称",
    "legal_basis": "法令上の根拠",
    "method": "方法",
    "contractor": "委託先",
    "title": "委託事項",
    "status": "有無",
    "tasks": "再委託事項",
    "provision_basis": "情報提供の根拠",
    "inquiry_basis": "情報照会の根拠",
}
DIRECTION_SECTION = {"提供": "provision", "移転": "transfer"}

Anchor = tuple[tuple[str, int], ...]  # form places that must all be named: (("別紙", 1), ("No", 5))


@dataclass(frozen=True)
class Clues:
    """What a 変更箇所 row may name to declare a difference (see `pdgraph.diff.declared`)."""

    names: tuple[str, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    provisions: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Difference:
    """One thing that changed between two versions.

    ``removed`` holds what only the older version has, ``added`` what only the newer has (for
    a changed scalar: the old and the new value). ``declared_by`` lists the 変更箇所 rows of the
    newer version that mention it; empty means "changed but not declared"; None means the
    cross-check does not apply (the 公表日, the 変更箇所 rows themselves).
    """

    section: str
    change: str
    subject: str
    aspect: str = ""
    removed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    old_where: str = ""
    new_where: str = ""
    context: str = ""
    clues: Clues = field(default=Clues(), compare=False)
    declared_by: tuple[str, ...] | None = None

    @property
    def declared(self) -> bool | None:
        return None if self.declared_by is None else bool(self.declared_by)


@dataclass
class Diff:
    """All differences between an older and a newer version, in report order."""

    old: Snapshot
    new: Snapshot
    differences: list[Difference] = field(default_factory=list)
    declaring: list[ChangePart] = field(default_factory=list)  # the newer version's own change rows

    @property
    def changed(self) -> bool:
        return bool(self.differences)

    @property
    def undeclared(self) -> list[Difference]:
        return [d for d in self.differences if d.declared is False]

    def counts(self) -> dict[str, int]:
        return {"differences": len(self.differences), "undeclared": len(self.undeclared),
                "declared": sum(1 for d in self.differences if d.declared)}


T = TypeVar("T")


def match(old: Sequence[T], new: Sequence[T], key: Callable[[T], object],
          score: Callable[[T, T], float] = lambda a, b: 0.0) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pairs of parts with the same key (best score first when a key repeats), and the leftovers."""
    groups_old: dict[object, list[int]] = defaultdict(list)
    for i, item in enumerate(old):
        groups_old[key(item)].append(i)
    candidates = []
    for j, item in enumerate(new):
        for i in groups_old.get(key(item), ()):
            candidates.append((-score(old[i], item), abs(i - j), i, j))
    used_old, used_new, pairs = set(), set(), []
    for _, _, i, j in sorted(candidates):
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j))
    pairs.sort(key=lambda p: p[1])
    return ([(old[i], new[j]) for i, j in pairs], [x for i, x in enumerate(old) if i not in used_old],
            [x for j, x in enumerate(new) if j not in used_new])


def _set_change(section: str, subject: str, aspect: str, before, after, old_where: str, new_where: str,
                context: str, clues: Clues) -> list[Difference]:
    removed, added = tuple(sorted(set(before) - set(after))), tuple(sorted(set(after) - set(before)))
    if not removed and not added:
        return []
    return [Difference(section, "changed", subject, aspect, removed, added, old_where, new_where, context, clues)]


def _value_change(section: str, subject: str, aspect: str, before, after, old_where: str, new_where: str,
                  context: str, clues: Clues) -> list[Difference]:
    if (before or "") == (after or ""):
        return []
    return [Difference(section, "changed", subject, aspect, (before or "",), (after or "",), old_where, new_where,
                       context, clues)]


# -- flows (提供先 / 移転先 and annex rows) ---------------------------------------------------------

def _flow_score(a: FlowPart, b: FlowPart) -> float:
    return 2 * len(set(a.provisions) & set(b.provisions)) + (a.purpose == b.purpose) + (a.annex == b.annex)


def _flow_anchor(flow: FlowPart) -> Anchor:
    if flow.annex:
        number = "".join(ch for ch in flow.annex if ch.isdigit())
        word = "別添" if flow.annex.startswith("別添") else "別紙"
        return ((word, int(number)), ("No", flow.position)) if number else (("No", flow.position),)
    return ((f"{flow.direction}先", flow.position),)


def _flow_clues(flows: Sequence[FlowPart], provisions: set[str] | None = None) -> Clues:
    cited = set(provisions) if provisions is not None else {p for f in flows for p in f.provisions}
    return Clues(names=tuple(sorted({f.recipient for f in flows if f.recipient})),
                 anchors=tuple(sorted({_flow_anchor(f) for f in flows})), provisions=frozenset(cited))


def _flow_subject(flow: FlowPart) -> str:
    return flow.recipient or f"{flow.direction}先{flow.position}"


def _pair_renamed(removed: list[FlowPart], added: list[FlowPart]):
    """Entries whose recipient name changed but whose citations and 事務 did not."""
    return match(removed, added, lambda f: (tuple(sorted(f.provisions)), f.purpose, f.annex)
                 if f.provisions or f.purpose else id(f))


def compare_flows(old: Sequence[FlowPart], new: Sequence[FlowPart], context: str) -> list[Difference]:
    pairs, removed, added = match(old, new, lambda f: (f.direction, f.key), _flow_score)
    renamed, removed, added = _pair_renamed(removed, added)
    out: list[Difference] = []
    for a, b in renamed:
        section = "annex_row" if b.annex else DIRECTION_SECTION.get(b.direction, "provision")
        out.append(Difference(section, "changed", _flow_subject(b), "recipient", (a.recipient,), (b.recipient,),
                              a.where, b.where, b.annex or context, _flow_clues((a, b))))
    for a, b in pairs + renamed:
        out.extend(_flow_pair(a, b, context))
    for flows, change in ((removed, "removed"), (added, "added")):
        for f in flows:
            section = "annex_row" if f.annex else DIRECTION_SECTION.get(f.direction, "provision")
            values = tuple(f.provisions[p] for p in sorted(f.provisions, key=f.provisions.get))
            out.append(Difference(section, change, _flow_subject(f), "",
                                  values if change == "removed" else (), values if change == "added" else (),
                                  f.where if change == "removed" else "", f.where if change == "added" else "",
                                  f.annex or context, _flow_clues((f,))))
    return out


def _flow_pair(a: FlowPart, b: FlowPart, context: str) -> list[Difference]:
    section = "annex_row" if b.annex else DIRECTION_SECTION.get(b.direction, "provision")
    subject, where = _flow_subject(b), b.annex or context
    changed_provisions = set(a.provisions) ^ set(b.provisions)
    labels = {**a.provisions, **b.provisions}
    out = _set_change(section, subject, "legal_basis", [labels[p] for p in a.provisions],
                      [labels[p] for p in b.provisions], a.basis_where or a.where, b.basis_where or b.where, where,
                      _flow_clues((a, b), changed_provisions))
    out += _set_change(section, subject, "method", a.methods, b.methods, a.where, b.where, where,
                       _flow_clues((a, b), set()))
    if a.subjects is not None and b.subjects is not None:
        out += _value_change(section, subject, "subjects", a.subjects, b.subjects, a.where, b.where, where,
                             _flow_clues((a, b), set()))
    if a.rows or b.rows:
        out += compare_flows(a.rows, b.rows, context)
    return out


# -- 委託 / 再委託 -------------------------------------------------------------------------------

def _entrustment_clues(items: Sequence[EntrustmentPart], contractors: Sequence[str] | None = None) -> Clues:
    names = set(contractors) if contractors is not None else {c for e in items for c in e.contractors}
    names |= {e.title for e in items if e.title}
    return Clues(names=tuple(sorted(names)), anchors=tuple(sorted({(("委託事項", e.position),) for e in items})))


def compare_entrustments(old: Sequence[EntrustmentPart], new: Sequence[EntrustmentPart],
                         context: str) -> list[Difference]:
    pairs, removed, added = match(old, new, lambda e: e.key,
                                  lambda a, b: len(set(a.contractors) & set(b.contractors)))
    retitled, removed, added = match(removed, added, lambda e: e.contractors if e.contractors else id(e))
    out: list[Difference] = []
    for a, b in retitled:
        out.append(Difference("entrustment", "changed", b.title, "title", (a.title,), (b.title,), a.where, b.where,
                              context, _entrustment_clues((a, b))))
    for a, b in pairs + retitled:
        out += _set_change("entrustment", b.title, "contractor", a.contractors, b.contractors, a.contractor_where,
                           b.contractor_where, context,
                           _entrustment_clues((a, b), sorted(set(a.contractors) ^ set(b.contractors))))
        clues = Clues(names=(b.title,), anchors=tuple(sorted({(("委託事項", a.position),), (("委託事項", b.position),)})),
                      words=("再委託",))
        out += _value_change("reentrustment", b.title, "status", a.reentrustment, b.reentrustment,
                             a.reentrustment_where, b.reentrustment_where, context, clues)
        out += _value_change("reentrustment", b.title, "tasks", a.reentrusted, b.reentrusted, a.reentrustment_where,
                             b.reentrustment_where, context, clues)
    for items, change in ((removed, "removed"), (added, "added")):
        for e in items:
            out.append(Difference("entrustment", change, e.title, "", e.contractors if change == "removed" else (),
                                  e.contractors if change == "added" else (), e.where if change == "removed" else "",
                                  e.where if change == "added" else "", context, _entrustment_clues((e,))))
    return out


# -- files, systems, bases, changes ---------------------------------------------------------------

def compare_files(old: Sequence[FilePart], new: Sequence[FilePart]) -> list[Difference]:
    pairs, removed, added = match(old, new, lambda f: f.key)
    out: list[Difference] = []
    if len(removed) == 1 and len(added) == 1:  # the one file of the affair, renamed
        a, b = removed[0], added[0]
        out.append(Difference("file", "changed", b.name, "name", (a.name,), (b.name,), a.where, b.where, "",
                              Clues(names=(a.name, b.name), words=("ファイル名",))))
        pairs, removed, added = pairs + [(a, b)], [], []
    for a, b in pairs:
        clues = Clues(names=(b.name,))
        for aspect, before, after in (("subjects", a.subjects, b.subjects),
                                      ("record_count", a.record_count, b.record_count)):
            if before is not None and after is not None:
                out += _value_change("file", b.name, aspect, before, after, a.where, b.where, "", clues)
        out += _compare_sources(a, b)
        out += compare_entrustments(a.entrustments, b.entrustments, b.name)
        out += compare_flows(a.flows, b.flows, b.name)
    for files, change in ((removed, "removed"), (added, "added")):
        for f in files:
            out.append(Difference("file", change, f.name, "", old_where=f.where if change == "removed" else "",
                                  new_where=f.where if change == "added" else "", clues=Clues(names=(f.name,))))
    return out


def _source_label(key: tuple[str, str]) -> str:
    category, entity = key
    return f"{category} ({entity})" if entity else category


def _compare_sources(a: FilePart, b: FilePart) -> list[Difference]:
    out = []
    for key in sorted(set(a.sources) | set(b.sources)):
        if key in a.sources and key in b.sources:
            continue
        change = "added" if key in b.sources else "removed"
        label = _source_label(key)
        clues = Clues(names=tuple(n for n in (key[1],) if n), words=("入手元",))
        out.append(Difference("source", change, label, "", (label,) if change == "removed" else (),
                              (label,) if change == "added" else (), a.sources.get(key, ""), b.sources.get(key, ""),
                              b.name, clues))
    return out


def compare_systems(old: Sequence[SystemPart] | None, new: Sequence[SystemPart] | None) -> list[Difference]:
    if old is None or new is None:
        return []
    pairs, removed, added = match(old, new, lambda s: s.key)
    out: list[Difference] = []
    for a, b in pairs:
        clues = Clues(names=(b.name,), anchors=tuple(sorted({(("システム", a.position),), (("システム", b.position),)})))
        if a.kind and b.kind:
            out += _value_change("system", b.name, "kind", a.kind, b.kind, a.where, b.where, "", clues)
        out += _set_change("system", b.name, "connections", a.connections, b.connections, a.where, b.where, "", clues)
    for systems, change in ((removed, "removed"), (added, "added")):
        for s in systems:
            out.append(Difference("system", change, s.name, "", old_where=s.where if change == "removed" else "",
                                  new_where=s.where if change == "added" else "",
                                  clues=Clues(names=(s.name,), anchors=((("システム", s.position),),))))
    return out


def _compare_basis(section: str, aspect: str, subject: str, old: BasisPart | None, new: BasisPart | None,
                   words: tuple[str, ...]) -> list[Difference]:
    if old is None or new is None:
        return []
    labels = {**old.provisions, **new.provisions}
    changed = set(old.provisions) ^ set(new.provisions)
    return _set_change(section, subject, aspect, [labels[p] for p in old.provisions],
                       [labels[p] for p in new.provisions], old.where, new.where, "",
                       Clues(provisions=frozenset(changed), words=words))


_LINKAGE_WORDS = ("情報連携", "情報提供ネットワークシステム", "情報提供の根拠", "情報照会の根拠")


def compare_bases(old: Snapshot, new: Snapshot) -> list[Difference]:
    out = _compare_basis("number_use", "legal_basis", "個人番号の利用", old.number_use, new.number_use,
                         ("個人番号の利用", "法令上の根拠"))
    if old.linkage_provision is not None and new.linkage_provision is not None:
        out += _value_change("linkage", "情報提供ネットワークシステムによる情報連携", "status", old.linkage_status,
                             new.linkage_status, old.linkage_provision.where, new.linkage_provision.where, "",
                             Clues(words=_LINKAGE_WORDS))
    out += _compare_basis("linkage", "provision_basis", "情報提供の根拠", old.linkage_provision, new.linkage_provision,
                          _LINKAGE_WORDS)
    out += _compare_basis("linkage", "inquiry_basis", "情報照会の根拠", old.linkage_inquiry, new.linkage_inquiry,
                          _LINKAGE_WORDS)
    return out


def _change_text(change: ChangePart) -> str:
    return f"{change.date or '(日付なし)'}: {change.before or '(空欄)'} → {change.after or '(空欄)'}"


SAME_ROW_RATIO = 0.8  # two renderings of one change row (PDF and text) differ in spacing and a few characters


def match_changes(old: Sequence[ChangePart], new: Sequence[ChangePart]):
    """Change rows paired by content, then rows of the same date whose texts are nearly the same."""
    pairs, removed, added = match(old, new, lambda c: c.key)
    candidates = []
    for i, a in enumerate(removed):
        for j, b in enumerate(added):
            if a.date == b.date:
                ratio = SequenceMatcher(None, "".join(a.key[1:]), "".join(b.key[1:]), autojunk=False).ratio()
                if ratio >= SAME_ROW_RATIO:
                    candidates.append((-ratio, i, j))
    used_old, used_new = set(), set()
    for _, i, j in sorted(candidates):
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((removed[i], added[j]))
    return (pairs, [c for i, c in enumerate(removed) if i not in used_old],
            [c for j, c in enumerate(added) if j not in used_new])


def new_change_rows(old: Snapshot, new: Snapshot) -> list[ChangePart]:
    """The newer version's 変更箇所 rows that the older one does not have: what this revision declares.

    When the older version has no change table (not in the document, or a lost page), the rows
    dated after its 公表日 are taken, or all rows when either date is unknown.
    """
    if new.changes is None:
        return []
    if old.changes is not None:
        return match_changes(old.changes, new.changes)[2]
    if old.published:
        return [c for c in new.changes if not c.date[:1].isdigit() or c.date > old.published]
    return list(new.changes)


def compare_changes(old: Snapshot, new: Snapshot) -> list[Difference]:
    if old.changes is None or new.changes is None:
        return []
    pairs, removed, added = match_changes(old.changes, new.changes)
    out = [Difference("change", "removed", c.item or c.date, "", (_change_text(c),), (), c.where, "")
           for c in removed]
    out += [Difference("change", "added", c.item or c.date, "", (), (_change_text(c),), "", c.where) for c in added]
    return out


def compare(old: Snapshot, new: Snapshot) -> list[Difference]:
    """Every difference between two versions (no cross-check yet), in report order."""
    out = _value_change("assessment", "評価書", "published", old.published, new.published, old.published_where,
                        new.published_where, "", Clues())
    out += _value_change("assessment", "評価書", "kind", old.kind, new.kind, old.published_where,
                         new.published_where, "", Clues(words=("評価書",)))
    out += compare_systems(old.systems, new.systems)
    out += compare_files(old.files, new.files)
    out += compare_bases(old, new)
    out += compare_changes(old, new)
    order = {key: i for i, key in enumerate(SECTIONS)}
    return sorted(out, key=lambda d: order[d.section])  # stable: the order within a section is kept
