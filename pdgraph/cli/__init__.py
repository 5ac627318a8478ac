"""The `pdgraph` command line: thin, it only translates library results into files, messages
and exit codes (0 ok, 1 findings, 2 bad input or usage).

One module per command; the helpers they share (progress lines, problem reports, ingest with
progress, facts files) live in `common`. Only this module knows every command.
"""
from __future__ import annotations

import click

from .. import __version__
from .build import build
from .diff import diff
from .facts import facts
from .map import map_command
from .query import analyze, query
from .run import run
from .serve import serve
from .validate import validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pdgraph")
def main() -> None:
    """Knowledge graphs of personal-data flows from 特定個人情報保護評価書 (My Number Act PIAs)."""


for _command in (build, diff, facts, map_command, query, analyze, validate, run, serve):
    main.add_command(_command)
