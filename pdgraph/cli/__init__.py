"""The `pdgraph` command line: thin, it only translates library results into files, messages
and exit codes (0 ok, 1 findings, 2 bad input or usage).

One module per command; the helpers they share (progress lines, problem reports, ingest with
progress, facts files) live in `common`. Only this module knows every command.

Every failure a user can meet ends in one ``error: …`` line on stderr and exit 2: a
`PdgraphError` that a command did not handle itself is shown by the group (`PdgraphGroup`),
and so is any unexpected exception (a bug), unless ``--debug`` asks for the traceback.
"""
from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import PdgraphError
from ..files import DEFAULT_MAX_SIZE, MAX_SIZE_ENV, parse_size, set_max_size, shown_path
from .build import build
from .export import export
from .diff import diff
from .facts import facts
from .map import map_command
from .query import analyze, query
from .report import report
from .run import run
from .serve import serve
from .validate import validate


class PdgraphGroup(click.Group):
    """The command group, with the one top-level handler of errors that reach it."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except PdgraphError as error:
            if ctx.params.get("debug"):
                raise
            click.echo(f"error: {shown_path(str(error))}", err=True)
            sys.exit(2)
        except Exception as error:  # noqa: BLE001 - a bug: a message, not a traceback (see --debug)
            if ctx.params.get("debug"):
                raise
            click.echo(f"error: internal error ({type(error).__name__}: {shown_path(str(error))}); "
                       "run again with --debug for the traceback and please report it", err=True)
            sys.exit(2)


def _max_size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.group(cls=PdgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pdgraph")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an unexpected error.")
@click.option("--max-size", metavar="SIZE", envvar=MAX_SIZE_ENV, callback=_max_size,
              help=f"Refuse a document (text or PDF) larger than this (e.g. 20M, 1G; 0: no limit) "
                   f"[default: {DEFAULT_MAX_SIZE // 1024 ** 2}M; env {MAX_SIZE_ENV}].")
def main(debug: bool, max_size: int | None) -> None:
    """Knowledge graphs of personal-data flows from 特定個人情報保護評価書 (My Number Act PIAs)."""
    set_max_size(max_size)


for _command in (build, diff, facts, map_command, query, analyze, validate, run, serve, export, report):
    main.add_command(_command)
