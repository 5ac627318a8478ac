"""A synthetic corpus for benchmarks and scale tests: the bundled examples, renamed.

Each synthetic assessment is a real example document whose 評価実施機関名 and
評価書番号 are replaced, so every stage of the pipeline runs on it and each copy
becomes its own named graph. Deterministic: copy ``i`` is always the same text.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .reader import SourceText, read_document

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example_paths(directory: Path = EXAMPLES) -> list[Path]:
    """The bundled example assessments (copies of ../shared/seeds)."""
    return sorted(directory.glob("*.txt"))


def _rename(text: str, organization: str, index: int) -> str:
    """Replace the assessing body's name and the 評価書番号 of one document text."""
    match = re.search(r"評価実施機関名\s*\n+\s*(\S+)", text)
    if match:
        text = text.replace(match.group(1), organization)
    return re.sub(r"(評価書番号\t評価書名\n)(\d+)", lambda m: f"{m.group(1)}{index}", text, count=1)


def synthetic_sources(count: int, directory: Path = EXAMPLES) -> Iterator[SourceText]:
    """``count`` synthetic documents, cycling through the examples."""
    bases = [read_document(path) for path in example_paths(directory)]
    for index in range(count):
        base = bases[index % len(bases)]
        organization = f"合成市{index // len(bases) + 1:04d}長" if index % 2 == 0 else f"合成健康保険組合{index:04d}"
        yield SourceText(f"synthetic_{index:05d}.txt", _rename(base.text, organization, index + 1), base.encoding)
