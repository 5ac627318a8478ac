"""The query catalogue and the shapes are found in a source checkout and in an installed wheel."""
from __future__ import annotations

import tomllib

from pdgraph.query.catalogue import QUERIES_DIR, load_catalogue
from pdgraph.resources import resource_dir
from pdgraph.conformance.shapes import SHAPES_DIR

from conftest import ROOT


def test_the_installed_copy_wins_over_the_repository(tmp_path):
    package = tmp_path / "site" / "pdgraph"
    (package / "_queries").mkdir(parents=True)
    (tmp_path / "site" / "queries").mkdir()
    assert resource_dir("queries", package) == package / "_queries"
    assert resource_dir("shapes", package) == tmp_path / "site" / "shapes"  # no installed copy: the checkout's


def test_a_source_checkout_reads_the_top_level_directories():
    assert QUERIES_DIR == ROOT / "queries" and SHAPES_DIR == ROOT / "shapes"
    assert len(load_catalogue()) == len(list((ROOT / "queries").glob("*.rq")))


def test_the_wheel_maps_both_directories_into_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert config["package-dir"] == {"pdgraph._queries": "queries", "pdgraph._shapes": "shapes"}
    for package, pattern in (("pdgraph._queries", "*.rq"), ("pdgraph._shapes", "*.ttl")):
        assert package in config["packages"] and config["package-data"][package] == [pattern]
        assert list((ROOT / config["package-dir"][package]).glob(pattern))
