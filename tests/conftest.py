"""Shared fixtures: the bundled example assessments and their knowledge graph."""
from __future__ import annotations

from pathlib import Path

import pytest

from pdgraph.graph.ingest import Ingested, ingest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    """The four example assessments (copies of ../shared/seeds)."""
    paths = sorted(EXAMPLES.glob("*.txt"))
    assert len(paths) == 4
    return paths


@pytest.fixture(scope="session")
def seed_ingested(seed_paths) -> Ingested:
    """The examples ingested into one dataset (do not mutate)."""
    result = ingest(seed_paths)
    assert not result.problems
    return result


@pytest.fixture(scope="session")
def seed_oxigraph(seed_ingested):
    """The examples in an in-memory Oxigraph store: the embedded answers that other stores are
    compared with (do not mutate)."""
    from pdgraph.graph.stores import OxigraphStore

    store = OxigraphStore()
    store.add_dataset(seed_ingested.dataset)
    return store


@pytest.fixture
def write_doc(tmp_path):
    """Write a small document (text) to a file and return its path."""
    def write(text: str, name: str = "doc.txt", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path
    return write


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files under tests/fixtures/golden from the current code")


@pytest.fixture
def update_golden(request) -> bool:
    """True when golden files should be regenerated instead of compared."""
    return bool(request.config.getoption("--update-golden"))
