"""The CLI through click's CliRunner: outputs, messages, exit codes, batches with bad documents."""
from __future__ import annotations

import json

from click.testing import CliRunner
from rdflib import Dataset

from pdgraph.cli import main

from conftest import EXAMPLES


def _examples() -> list[str]:
    return [str(p) for p in sorted(EXAMPLES.glob("*.txt"))]


def test_build_writes_trig_with_one_graph_per_assessment(tmp_path):
    out = tmp_path / "g.trig"
    result = CliRunner().invoke(main, ["build", *_examples(), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "4 assessment graph(s)" in result.output
    dataset = Dataset()
    dataset.parse(out, format="trig")
    assert len([g for g in dataset.graphs() if len(g)]) == 4


def test_facts_writes_one_valid_json_per_document(tmp_path):
    result = CliRunner().invoke(main, ["facts", *_examples(), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in tmp_path.glob("*.json"))
    assert files == sorted(p.stem + ".json" for p in EXAMPLES.glob("*.txt"))
    facts = json.loads((tmp_path / "003_f2d2f4201ce28b38.json").read_text(encoding="utf-8"))
    transfer = facts["files"][0]["transfers"][0]
    assert len(transfer["breakdown"]) == 15 and transfer["breakdown"][0]["recipient"] == "税務課"


def test_facts_from_a_trig_file_round_trip(tmp_path):
    trig = tmp_path / "g.trig"
    CliRunner().invoke(main, ["build", *_examples(), "-o", str(trig)])
    result = CliRunner().invoke(main, ["facts", str(trig), "-o", str(tmp_path / "f")])
    assert result.exit_code == 0, result.output
    sources = sorted(json.loads(p.read_text(encoding="utf-8"))["source"] for p in (tmp_path / "f").glob("*.json"))
    assert sources == sorted(p.name for p in EXAMPLES.glob("*.txt"))


def test_a_bad_document_is_reported_and_the_batch_goes_on(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes("特定個人情報保護評価書".encode("utf-8") + b"\xff\xfe")
    other = tmp_path / "memo.txt"
    other.write_text("ただのメモ\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["facts", str(bad), _examples()[0], str(other), "-o", str(tmp_path / "f")])
    assert result.exit_code == 2
    assert "broken.txt: byte 33" in result.output
    assert "memo.txt:1: no item of the 特定個人情報保護評価書 form was recognised" in result.output
    assert [p.name for p in (tmp_path / "f").glob("*.json")] == ["000_47fd13a79d78c58a.json"]


def test_unreadable_rdf_is_bad_input(tmp_path):
    bad = tmp_path / "x.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(bad), "-o", str(tmp_path / "o.trig")])
    assert result.exit_code == 2 and "cannot parse as turtle" in result.output


def test_usage_errors_exit_2(tmp_path):
    assert CliRunner().invoke(main, ["build", "-o", str(tmp_path / "x.trig")]).exit_code == 2
    assert CliRunner().invoke(main, ["facts", str(tmp_path / "missing.txt"), "-o", str(tmp_path)]).exit_code == 2


def test_every_command_has_help():
    for name, command in main.commands.items():
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and command.help, name


def test_run_is_the_main_job(tmp_path):
    """graph + facts + SHACL report + flow map of the examples in one command."""
    result = CliRunner().invoke(main, ["run", *_examples(), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in ("graph.trig", "validation.html", "validation.txt", "map.html"):
        assert (tmp_path / name).stat().st_size > 1000, name
    assert len(list((tmp_path / "facts").glob("*.json"))) == 4
    assert "SHACL: 0 violation(s)" in result.output
    assert "https://" not in (tmp_path / "map.html").read_text(encoding="utf-8").split("<body", 1)[0]
