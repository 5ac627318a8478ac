"""A synthetic corpus for benchmarks and scale tests: the bundled examples, renamed and chained.

Copy ``i`` (0-based) of ``synthetic_sources(n)`` is example ``i mod 4`` (``examples/*.txt``
in name order) with three rewrites, all deterministic (copy ``i`` is always the same text):

1. 評価実施機関名: ``合成市{i // 4 + 1:04d}長`` for even ``i`` (so copies ``4r`` and
   ``4r + 2`` share one body, 合成市{r+1}長), ``合成健康保険組合{i:04d}`` for odd ``i``;
   every occurrence of the example's own body name is replaced.
2. 評価書番号: ``i + 1``.
3. The data flows on (chains of bodies). For ``i >= 2`` the first recipient of section
   II 5. (特定個人情報の提供・移転) — the first ``提供先k`` / ``移転先k`` entry that names one
   (file by file, 提供先 before 移転先), or, when that entry is itemised in an annex (別紙),
   its first annex row — is renamed to the assessing body of copy ``parent(i) = i // 2``.
   Only that one cell is rewritten (the 提供先 / 移転先 cell or the annex row's recipient
   column), on the line where the extractor reads it, so the rest of the entry (法令上の根拠,
   用途, 方法 …) stays as written. Copies 0 and 1 keep their recipients (the roots); a copy
   whose parent has the same body name as its own is not rewritten (never the case with
   four examples).

The recipient then maps to the organisation node of that name (the IRI is derived from
`normalise.canonical_organisation`, as is the assessing body's), i.e. to the other copy's
``pdg:assessingBody``, so the ``reach`` query and `analysis.reachable` continue through
that copy's files. The result is a binary tree of copies: ``floor(log2(i))`` body-to-body
hops from copy ``i`` down to copy 1 (9 from copy 999, 6 from copy 99, 5 from copy 39), fan-in
two per copy and up to four bodies per 合成市 body (it holds two copies), no cycles (parents
have smaller indices), and a walk from 合成健康保険組合{k} (odd ``k``) only meets copies
``< k`` — so the reach from that body is the same for every corpus size ``n > k``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import PdgraphError
from .machine import extract
from ..read.text import SourceText, read_document
from .records import Assessment, Flow
from ..textnorm import clean

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@dataclass(frozen=True, slots=True)
class RecipientSlot:
    """Where a document names its first recipient: the line (1-based) and the name as read."""

    line: int
    recipient: str


def example_paths(directory: Path = EXAMPLES) -> list[Path]:
    """The bundled example assessments (copies of ../shared/seeds)."""
    return sorted(directory.glob("*.txt"))


def body_name(index: int, bases: int) -> str:
    """The 評価実施機関名 of copy ``index`` of a corpus cycling through ``bases`` examples."""
    return f"合成市{index // bases + 1:04d}長" if index % 2 == 0 else f"合成健康保険組合{index:04d}"


def parent(index: int) -> int | None:
    """The copy whose assessing body receives copy ``index``'s first recipient flow (None for roots)."""
    return index // 2 if index >= 2 else None


def first_recipient(assessment: Assessment) -> Flow | None:
    """The first named recipient of section II 5.: an entry, or the first row of its annex."""
    for file in assessment.files:
        for flow in (file.provisions or []) + (file.transfers or []):
            for candidate in flow.breakdown or [flow]:
                if candidate.recipient:
                    return candidate
    return None


def recipient_slot(source: SourceText) -> RecipientSlot | None:
    """Locate the first recipient of a document with the extractor (None: no recipient, or unreadable)."""
    try:
        flow = first_recipient(extract(source))
    except PdgraphError:
        return None
    return RecipientSlot(flow.line, flow.recipient) if flow is not None and flow.recipient else None


def rewrite_recipient(text: str, slot: RecipientSlot, name: str) -> str:
    """Replace the cell holding ``slot.recipient`` (on its line or the next) by ``name``.

    The cell is the first tab-separated cell of the line whose cleaned text contains the
    recipient; a heading cell such as ``提供先1`` never does. No matching cell: unchanged.
    """
    lines = text.split("\n")
    for number in (slot.line, slot.line + 1):
        if not 1 <= number <= len(lines):
            continue
        cells = lines[number - 1].split("\t")
        for position, cell in enumerate(cells):
            if slot.recipient in clean(cell):
                cells[position] = name
                lines[number - 1] = "\t".join(cells)
                return "\n".join(lines)
    return text


def _rename(text: str, organization: str, index: int) -> str:
    """Replace the assessing body's name and the 評価書番号 of one document text."""
    match = re.search(r"評価実施機関名\s*\n+\s*(\S+)", text)
    if match:
        text = text.replace(match.group(1), organization)
    return re.sub(r"(評価書番号\t評価書名\n)(\d+)", lambda m: f"{m.group(1)}{index}", text, count=1)


def synthetic_text(base: SourceText, slot: RecipientSlot | None, index: int, bases: int) -> str:
    """The text of copy ``index`` made from ``base`` (see the module docstring for the rule)."""
    organization = body_name(index, bases)
    text = base.text
    up = parent(index)
    if slot is not None and up is not None and body_name(up, bases) != organization:
        text = rewrite_recipient(text, slot, body_name(up, bases))
    return _rename(text, organization, index + 1)


def synthetic_sources(count: int, directory: Path = EXAMPLES) -> Iterator[SourceText]:
    """``count`` synthetic documents, cycling through the examples, chained by recipients."""
    bases = [read_document(path) for path in example_paths(directory)]
    slots = [recipient_slot(base) for base in bases]
    for index in range(count):
        base, slot = bases[index % len(bases)], slots[index % len(bases)]
        yield SourceText(f"synthetic_{index:05d}.txt", synthetic_text(base, slot, index, len(bases)),
                         base.encoding)


def with_annex_rows(text: str, count: int) -> str:
    """A document whose first annex (別紙1) table is its own rows repeated to ``count`` rows,
    numbered 1 … count (for the annex-size benchmarks and hostile-size tests; 0 leaves none)."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("(別紙1)")) + 2
    end = start
    while re.match(r"^\d+\t", lines[end]):
        end += 1
    rows = lines[start:end]
    copied = ["\t".join([str(k + 1), *rows[k % len(rows)].split("\t")[1:]]) for k in range(count)]
    return "\n".join(lines[:start] + copied + lines[end:])
