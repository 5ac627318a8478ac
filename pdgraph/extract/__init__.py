"""Stage 3, extract: rows of the official form (様式) -> typed `Assessment` records.

One pass over the rows with a small context (major section I–VI or annex,
numbered sub-section, current block such as システムk / 委託事項k / 提供先k).
Labels are matched on cleaned text, so ①, (1), Ⅲ and full-width digits all
arrive as ASCII. Pages are often lost: nothing is inferred across a gap, a
field whose section is missing stays ``None``.

Modules: `machine` (`extract`: the pass over the rows, dispatch, sections, blocks),
`fields` (the field handlers), `annexes` (the annex tables), `context` (the reading
context and the form's option vocabularies), `records` (the typed records),
`normalise` (names of systems, bodies and recipients), `synthetic` (a benchmark corpus).
"""
from __future__ import annotations

from .machine import extract

__all__ = ["extract"]
