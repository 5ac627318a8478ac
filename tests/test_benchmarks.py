"""The benchmarks still run, at a toy size (their figures are not checked here: speed goals
live in the benchmarks' own output, never in timed tests)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pdgraph.query.catalogue import load_catalogue

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def run(script: str, *args: str) -> str:
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), *args],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_bench_queries_runs_every_query_on_both_stores_and_the_server_with_the_same_answers():
    out = run("bench_queries.py", "--n", "3", "--repeat", "1", "--rdflib-repeat", "1", "--server")
    lines = {line.split()[0]: line for line in out.splitlines() if line.split()}
    for name in load_catalogue():
        assert name in lines, f"{name} missing from:\n{out}"
        stores, server = lines[name].split("|")
        assert " yes " in stores and " yes " in server, lines[name]
    assert "server / embedded: median" in out and "load average" in out


def test_bench_validate_runs_and_the_engines_agree():
    out = run("bench_validate.py", "3", "--naive", "3")
    assert "agree finding for finding: yes" in out, out


def test_bench_map_runs_without_browser_errors(tmp_path):
    out = run("bench_map.py", "3", "--keep", str(tmp_path))
    assert "errors: 0" in out and "network_requests: 0" in out, out


def test_bench_outputs_runs():
    out = run("bench_outputs.py", "4", "--repeat", "1")
    for step in ("ropa query", "ropa.xlsx", "ropa.csv", "report data", "report.html", "validation"):
        assert f"{step}:" in out, out


@pytest.mark.slow
def test_bench_corpus_runs_every_command_through_the_cli(tmp_path):
    out = run("bench_corpus.py", "--sizes", "4,8", "--work", str(tmp_path))
    rows = [line.split() for line in out.splitlines() if line.split() and line.split()[0] in
            ("validate", "build", "vstore", "query", "run") and line.split()[1].isdigit()]
    assert sorted((r[0], r[1]) for r in rows) == sorted((c, n) for c in ("validate", "build", "vstore", "query", "run")
                                                        for n in ("4", "8")), out
    assert all(r[-1] == "0" for r in rows), out  # every command exited 0
    assert "per-document cost 8 vs 4" in out and "ingest + validate 8" in out, out
    report = json.loads((tmp_path / "report-8.json").read_text(encoding="utf-8"))
    assert len(report["results"]) == 8


def test_bench_versions_runs_and_the_current_answers_equal_the_answers_without_history():
    out = run("bench_versions.py", "--n", "4", "--revised", "2", "--repeat", "1")
    assert "4 assessments, 2 with a second version" in out and "2 older versions hidden" in out
    rows = [line for line in out.splitlines() if line.endswith((" yes", " NO"))]
    assert rows and all(line.endswith(" yes") for line in rows), out
