"""Hostile and broken input (issue 13): no crash, no hang, no silent loss, no network.

Each case is built from the examples at test time and run through the CLI
(click's CliRunner); it states the exit code and the message expected on
stderr. Every failure must be one ``error: PATH[:place]: reason`` line, never a
traceback.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pdgraph.cli import main
from pdgraph.conformance.engines import available_engines

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "003_f2d2f4201ce28b38.txt"


def run_cli(*args: str):
    """Run the CLI; no exception may escape as a traceback."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert "Traceback" not in result.output + result.stderr
    return result


def edited(tmp_path: Path, old: str, new: str, name: str = "doc.txt") -> Path:
    """The example with one passage replaced (the passage must be there)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("engine", available_engines())
def test_backslash_in_a_legal_basis_is_text(tmp_path, engine):
    """A value with a backslash fills a message as written (pyshacl read it as a regex group)."""
    doc = edited(tmp_path, "①法令上の根拠\t\t番号法第19条第7号別表第二", "①法令上の根拠\t\t手数料条例 別表(\\1,000円)")
    result = run_cli("validate", "--engine", engine, doc)
    assert result.exit_code == 1
    assert "「手数料条例 別表(\\1,000円)」" in result.output


def _facts(path: Path) -> dict:
    from pdgraph import api
    [data] = api.facts(api.ingest([path]))
    data.pop("source", None)
    return data


@pytest.mark.parametrize("char", ["\u200b", "\u202e", "\ufeff", "\u2060", "\u00ad"])
def test_invisible_characters_change_no_fact(tmp_path, char):
    """Zero-width and bidi controls inside a name, a citation and a label are not read."""
    text = EXAMPLE.read_text(encoding="utf-8")
    poisoned = (text.replace("練馬区長", f"練{char}馬区長", 1)
                .replace("番号法第9条第2項", f"番号法第{char}9条第2項", 1)
                .replace("①法令上の根拠", f"①法令上{char}の根拠", 1))
    assert poisoned != text
    clean_doc, bad_doc = tmp_path / "clean.txt", tmp_path / "bad.txt"
    clean_doc.write_text(text, encoding="utf-8")
    bad_doc.write_text(poisoned, encoding="utf-8")
    assert _facts(bad_doc) == _facts(clean_doc)
