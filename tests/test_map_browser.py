"""The HTML maps in real headless Chromium (Debian's `chromium`, driven by playwright; no browser download).

Each test opens a map built from the seeds and checks what a person would meet: no console or
page error, no network request (only the file:// page itself), the expected number of nodes and
edges, tooltips with the legal basis, and that a hostile document executes nothing. A screenshot
of each seed's map is written to build/screenshots/ (or $PDGRAPH_SCREENSHOT_DIR).

Without Chromium or playwright the tests are skipped, except under CI=true, where they fail.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pdgraph.graph.ingest import ingest, ingest_sources
from pdgraph.map import WARNING_COLOR, MapOptions, map_from_dataset, payload, render_html, select
from pdgraph.extract.synthetic import synthetic_sources
from test_render import HOSTILE, hostile_text, no_basis_text
from test_render_seeds import ALL_SEEDS_COUNTS, SEED_COUNTS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PDGRAPH_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
        "--disable-default-apps", "--disable-extensions", "--no-default-browser-check"]
SCREENSHOTS = Path(os.environ.get("PDGRAPH_SCREENSHOT_DIR") or ROOT / "build" / "screenshots")
VIEWPORT = {"width": 1600, "height": 1000}
README_SEED = "003_f2d2f4201ce28b38"  # docs/img/map_nerima.png: PDGRAPH_DOCS_IMG=1 pytest tests/test_map_browser.py


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium; never `playwright install`)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    """A map page and what happened while it was open."""

    page: object
    url: str
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def check_clean(self) -> None:
        assert self.page_errors == []
        assert self.console_errors == []
        assert self.requests == [self.url], "the page must not request anything but itself"

    def eval(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)


@pytest.fixture
def open_map(browser, tmp_path):
    contexts = []

    def open_(fmap, name: str, aggregate: bool | None = None, bypass_csp: bool = False) -> Opened:
        path = tmp_path / f"{name}.html"
        path.write_text(render_html(fmap, aggregate), encoding="utf-8")
        context = browser.new_context(viewport=VIEWPORT, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.resolve().as_uri())
        page.on("console", lambda m: opened.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: opened.page_errors.append(str(e)))
        context.on("request", lambda r: opened.requests.append(r.url))
        page.goto(opened.url)
        # A selector wait (not wait_for_function: the page's CSP forbids the eval it needs).
        page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=30_000)
        return opened

    yield open_
    for context in contexts:
        context.close()


def screenshot(opened: Opened, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    opened.page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    return target


def drawn_counts(opened: Opened) -> tuple[int, int]:
    """Nodes and edges in the page's data sets and in the drawn network."""
    data = opened.eval("[pdgraph.nodes.length, pdgraph.edges.length]")
    drawn = opened.eval("[pdgraph.network.body.nodeIndices.length, pdgraph.network.body.edgeIndices.length]")
    assert data == drawn
    return tuple(data)


def edge_point(opened: Opened, edge_id: str) -> dict:
    """Page coordinates of the middle of an edge, where hovering shows its tooltip."""
    return opened.eval("""(id) => {
        const net = pdgraph.network, edge = net.body.edges[id];
        const p = net.canvasToDOM(edge.edgeType.getPoint(0.5));
        const box = document.getElementById('network').getBoundingClientRect();
        return {x: p.x + box.left, y: p.y + box.top}; }""", edge_id)


def node_point(opened: Opened, node_id: str) -> dict:
    return opened.eval("""(id) => {
        const net = pdgraph.network, p = net.canvasToDOM(net.getPosition(id));
        const box = document.getElementById('network').getBoundingClientRect();
        return {x: p.x + box.left, y: p.y + box.top}; }""", node_id)


def hover_tooltip(opened: Opened, point: dict) -> str:
    page = opened.page
    page.mouse.move(point["x"] - 30, point["y"] - 30)
    page.mouse.move(point["x"], point["y"], steps=3)
    page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5_000)
    return page.inner_text("div.vis-tooltip")


def edge_id_to(opened: Opened, label: str, category: str) -> str:
    return opened.eval("""([label, cat]) => {
        const names = Object.fromEntries(pdgraph.data.nodes.map(n => [n.id, n.name || n.label]));
        return pdgraph.data.edges.find(e => e.cat === cat && names[e.to] === label).id; }""", [label, category])


@pytest.fixture(scope="module")
def seed_map(seed_ingested):
    return map_from_dataset(seed_ingested.dataset)


# -- the seeds


@pytest.mark.parametrize("stem", sorted(SEED_COUNTS))
def test_seed_map_opens_offline_with_every_node_and_edge(open_map, seed_map, stem):
    opened = open_map(select(seed_map, MapOptions(assessments=(stem,))), stem)
    assert drawn_counts(opened) == SEED_COUNTS[stem]
    assert opened.eval("pdgraph.network.physics.options.enabled") is False  # settled, then physics off
    assert opened.eval("document.querySelectorAll('#legend-list .legend-row').length") >= 3
    shot = screenshot(opened, f"map_{stem}")
    if stem == README_SEED and os.environ.get("PDGRAPH_DOCS_IMG"):  # refresh the README's picture
        shutil.copyfile(shot, ROOT / "docs" / "img" / "map_nerima.png")
    opened.check_clean()


def test_all_seeds_in_one_map(open_map, seed_map):
    opened = open_map(seed_map, "all_seeds")
    assert drawn_counts(opened) == ALL_SEEDS_COUNTS
    screenshot(opened, "map_all_seeds")
    opened.check_clean()


def test_tooltip_of_a_transfer_shows_its_legal_basis(open_map, seed_map):
    opened = open_map(select(seed_map, MapOptions(assessments=("000_47fd13a79d78c58a",))), "matsudo")
    edge = edge_id_to(opened, "市民部 市民課", "移転")
    text = hover_tooltip(opened, edge_point(opened, edge))
    for expected in ("移転先", "市民部 市民課", "法令上の根拠", "住民基本台帳法 第7条", "本人の数",
                     "時期・頻度", "資格情報の異動発生時に随時連携", "000_47fd13a79d78c58a.txt:99"):
        assert expected in text
    screenshot(opened, "map_000_tooltip")
    opened.page.mouse.click(**edge_point(opened, edge))  # a click keeps the details in the side panel
    assert "住民基本台帳法 第7条" in opened.page.inner_text("#detail-body")
    opened.check_clean()


def test_filters_and_search(open_map, seed_map):
    opened = open_map(select(seed_map, MapOptions(organization="練馬区")), "nerima_filters")
    visible = "() => pdgraph.edges.get({filter: e => !e.hidden}).length"
    assert opened.eval(visible) == 69
    opened.page.uncheck('input[data-category="提供"]')
    assert opened.eval(visible) == 69 - 25
    hidden_nodes = opened.eval("() => pdgraph.nodes.get({filter: n => n.hidden}).map(n => n.label)")
    assert "厚生労働大臣" in hidden_nodes and "介護保険情報ファイル" not in hidden_nodes
    opened.page.check('input[data-category="提供"]')
    assert opened.eval(visible) == 69
    opened.page.fill("#search", "国保年金課")
    opened.page.press("#search", "Enter")
    assert "件一致" in opened.page.inner_text("#search-result")
    selected = opened.eval("pdgraph.network.getSelectedNodes()")
    assert len(selected) == 1 and "国保年金課" in opened.eval("(id) => pdgraph.nodes.get(id).label", selected[0])
    opened.check_clean()


def test_flow_without_legal_basis_is_drawn_dashed_red(open_map, write_doc):
    fmap = map_from_dataset(ingest([write_doc(no_basis_text(), "000_no_basis.txt")]).dataset)
    opened = open_map(fmap, "no_basis")
    edge = edge_id_to(opened, "市民部 市民課", "移転")
    drawn = opened.eval("(id) => pdgraph.edges.get(id)", edge)
    assert drawn["dashes"] and drawn["color"]["color"] == WARNING_COLOR
    assert "記載なし" in hover_tooltip(opened, edge_point(opened, edge))
    opened.page.check("#warn-only")
    shown = opened.eval("() => pdgraph.edges.get({filter: e => !e.hidden}).map(e => e.id)")
    assert edge in shown and len(shown) == 2  # the warning and the body's 保有 link
    screenshot(opened, "map_warning")
    opened.check_clean()


# -- safety


@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "without-csp"])
def test_hostile_document_executes_nothing(open_map, write_doc, bypass_csp):
    """Markup in cells (raw and as entities) is shown literally; nothing runs even without the CSP."""
    fmap = map_from_dataset(ingest([write_doc(hostile_text(), "000_hostile.txt")]).dataset)
    opened = open_map(fmap, f"hostile_{bypass_csp}", bypass_csp=bypass_csp)
    page = opened.page
    edge = edge_id_to(opened, next(n.label for n in fmap.nodes.values() if "<script>" in n.label), "移転")
    tooltip = hover_tooltip(opened, edge_point(opened, edge))
    assert HOSTILE["script"] in tooltip and HOSTILE["img"] in tooltip
    page.mouse.click(**edge_point(opened, edge))
    assert HOSTILE["img"] in page.inner_text("#detail-body")
    target = opened.eval("(id) => pdgraph.edges.get(id).to", edge)
    hover_tooltip(opened, node_point(opened, target))
    page.fill("#search", "onerror")
    page.press("#search", "Enter")
    assert "<script>window.__pwned=1</script>" in page.inner_text("#detail-body")
    page.uncheck("#edge-labels")
    page.check("#edge-labels")
    page.wait_for_timeout(300)
    assert opened.eval("typeof window.__pwned") == "undefined"
    assert opened.eval("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert opened.eval("document.scripts.length") == 3
    assert "<script>" in opened.eval("(id) => pdgraph.nodes.get(id).label.replace(/\\n/g, '')", target)
    screenshot(opened, f"map_hostile_{'no_csp' if bypass_csp else 'csp'}")
    opened.check_clean()


# -- big maps


def test_aggregated_map_expands_and_collapses_a_body(open_map):
    fmap = map_from_dataset(ingest_sources(synthetic_sources(12)).dataset)
    bodies = {n.id for n in fmap.nodes.values() if n.kind == "body"}
    links = len(payload(fmap, aggregate=True)["links"])
    opened = open_map(fmap, "aggregated", aggregate=True)
    assert drawn_counts(opened) == (len(bodies), links)
    first = opened.eval("pdgraph.data.summaries[0].id")
    detail_nodes = {n.id for n in fmap.nodes.values() if first in n.bodies}
    detail_edges = {e.id for e in fmap.edges.values() if first in e.bodies}
    opened.page.mouse.dblclick(**node_point(opened, first))
    for _ in range(100):  # the detail settles, then physics goes off again
        if opened.eval("pdgraph.network.physics.options.enabled") is False:
            break
        opened.page.wait_for_timeout(100)
    assert drawn_counts(opened) == (len(bodies | detail_nodes), links + len(detail_edges))
    screenshot(opened, "map_aggregated_expanded")
    opened.page.mouse.dblclick(**node_point(opened, first))
    assert drawn_counts(opened) == (len(bodies), links)
    opened.check_clean()


# -- a map diff (issue 14): two versions, added / removed / changed flows styled apart


def test_map_diff_styles_changed_flows_and_explains_them(open_map, tmp_path):
    from pdgraph.map import DIFF_STYLES, build_map, diff_maps
    from test_diff import ADDED_CONTRACTOR, versions

    old, new = versions(tmp_path)
    fmap = diff_maps(build_map(ingest([old]).dataset), build_map(ingest([new]).dataset), ("old.txt", "new.txt"))
    opened = open_map(fmap, "map_diff")
    drawn = opened.eval("""() => pdgraph.edges.get().map(e => {
        const r = pdgraph.data.edges.find(x => x.id === e.id);
        const names = Object.fromEntries(pdgraph.data.nodes.map(n => [n.id, n.name || n.label]));
        return [r.diff || "", names[r.to], e.color.color, e.dashes, e.width]; })""")
    changed = sorted(tuple(map(str, row[:2])) for row in drawn if row[0])
    assert changed == [("added", ADDED_CONTRACTOR), ("changed", "社会福祉協議会"), ("removed", "日本私立学校振興・共済事業団")]
    for change, _, color, dashes, width in (row for row in drawn if row[0]):
        look = DIFF_STYLES[change]
        assert (color, dashes or [], width) == (look.color, list(look.dashes), look.width)
    diff_colors = {s.color for s in DIFF_STYLES.values()}
    assert all(row[2] not in diff_colors for row in drawn if not row[0])  # unchanged flows keep their colours
    added_node = opened.eval("""(name) => { const n = pdgraph.data.nodes.find(n => n.label === name);
        const d = pdgraph.nodes.get(n.id); return [n.diff, d.color.border, d.borderWidth]; }""", ADDED_CONTRACTOR)
    assert added_node == ["added", DIFF_STYLES["added"].color, 3]
    legend = opened.eval("""() => Array.from(document.querySelectorAll('#legend-list .legend-diff')).map(row =>
        [row.dataset.change, getComputedStyle(row.querySelector('.sw-line')).borderTopColor,
         getComputedStyle(row.querySelector('.sw-line')).borderTopStyle, row.textContent])""")
    assert [row[0] for row in legend] == ["added", "removed", "changed"]
    assert [row[2] for row in legend] == ["solid", "dashed", "dashed"]
    assert legend[0][1] == "rgb(34, 136, 51)" and legend[1][1] == "rgb(238, 102, 119)"
    assert [row[3][-2:] for row in legend] == ["1件", "1件", "1件"]
    assert "変更点: old.txt → new.txt" in opened.page.inner_text("#legend-list")
    text = hover_tooltip(opened, edge_point(opened, next(r for r in opened.eval(
        "pdgraph.data.edges") if r.get("diff") == "removed")["id"]))
    assert "削除 (古い版だけにある)" in text and "番号法 別表第二 33の項" in text and "old.txt:190" in text
    screenshot(opened, "map_diff")
    opened.check_clean()
