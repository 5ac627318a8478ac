"""The flow map of each seed assessment: node and edge counts worked out from the documents.

The counts below were worked out by hand from examples/*.txt (breakdowns in the comments) and
are shared with the browser tests (tests/test_map_browser.py), which check that Chromium shows
exactly these. Per-direction edge counts are also derived from the facts read back out of the
graph (pdgraph.graph.facts, a separate code path from pdgraph.map).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pdgraph.graph.facts import facts_from_graph
from pdgraph.map import MapOptions, map_from_dataset, select

# document stem -> (nodes, edges)
SEED_COUNTS = {
    # 松戸市長: body 1, file 1, systems 8 (3 used + 2 named only as その他 connections
    # (後期高齢者医療システム, 他業務システム) + 3 kinds connected to but not used: 既存住民基本台帳システム,
    # 税務システム, 情報提供ネットワークシステム), 移転先 2 (千葉県後期高齢者医療広域連合, 市民部 市民課).
    # Edges: 保有 1, 使用 3, 接続 10 (4 + 2 + 4), 移転 2.
    "000_47fd13a79d78c58a": (12, 16),
    # 愛知県信用金庫健康保険組合: body 1, file 1, 入手元 13, 提供先 1 (aggregate entry without annex rows),
    # systems 5, 委託先 3 (大和総研…, 支払基金 ×3 items, one blank 委託先), 再委託先 3.
    # Edges: 保有 1, 使用 2, 接続 4, 入手 13, 提供 1, 委託 5, 再委託 3.
    "001_cd2fea1f4c88a1a3": (27, 29),
    # 大分市長: body, file, 提供先, 委託先, 再委託先; edges 保有, 提供, 委託, 再委託.
    "002_88469595c8747105": (5, 4),
    # 練馬区長: body 1, file 1, departments 9 (5 入手元 + 4 移転先), organisations 27 (7 入手元 +
    # 15 提供先 (別紙1) + 8 委託先, three of them in two roles), recipient groups 2 (別紙1, 別紙2),
    # 再委託先 4, systems 3. Edges: 保有 1, 使用 2, 接続 1, 入手 12, 提供 25 (1 + 24 annex rows),
    # 移転 16 (1 + 15 annex rows), 委託 8 (item 1 names two companies), 再委託 4.
    "003_f2d2f4201ce28b38": (47, 69),
}
# All four together: 91 - 7 shared organisations (6 between 001 and 003, 1 between 002 and 003).
ALL_SEEDS_COUNTS = (84, 118)


def seed_map(seed_ingested, stem: str):
    return select(map_from_dataset(seed_ingested.dataset), MapOptions(assessments=(stem,)))


def _contractors(text: str) -> int:
    return len([p for p in re.split(r"\s*[/／]\s*|、", text) if p.strip()]) or 1


def directions_from_facts(facts: dict) -> dict[str, int]:
    """How many 入手 / 提供 / 移転 / 委託 / 再委託 edges the map must draw, from the facts JSON."""
    counts = {"入手": 0, "提供": 0, "移転": 0, "委託": 0, "再委託": 0, "保有": len(facts["files"]),
              "使用": len(facts["systems"] or [])}
    for file in facts["files"]:
        for source in file["sources"] or []:
            counts["入手"] += max(1, len(source["entities"]))
        for key, direction in (("provisions", "提供"), ("transfers", "移転")):
            for flow in file[key] or []:
                counts[direction] += 1 + len(flow["breakdown"] or [])
        for item in (file["entrustment"] or {}).get("items", []):
            counts["委託"] += _contractors(item["contractor"])
            if item["reentrustment"] == "再委託する":
                counts["再委託"] += _contractors(item["contractor"])
    return {k: v for k, v in counts.items() if v}


@pytest.mark.parametrize("stem", sorted(SEED_COUNTS))
def test_seed_map_counts(seed_ingested, stem):
    fmap = seed_map(seed_ingested, stem)
    assert (len(fmap.nodes), len(fmap.edges)) == SEED_COUNTS[stem]


@pytest.mark.parametrize("stem", sorted(SEED_COUNTS))
def test_seed_map_directions_match_facts(seed_ingested, stem):
    fmap = seed_map(seed_ingested, stem)
    key = next(k for k in seed_ingested.graphs if Path(k).stem == stem)
    facts = facts_from_graph(seed_ingested.dataset.graph(seed_ingested.graphs[key][0]))
    drawn = {k: v for k, v in fmap.counts().items() if k not in ("nodes", "edges", "接続")}
    assert drawn == directions_from_facts(facts)


def test_all_seeds_share_organisations(seed_ingested):
    fmap = map_from_dataset(seed_ingested.dataset)
    assert (len(fmap.nodes), len(fmap.edges)) == ALL_SEEDS_COUNTS
    assert len(fmap.assessments) == 4
