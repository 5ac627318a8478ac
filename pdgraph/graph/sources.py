"""Inputs at corpus scale: files, directories, glob patterns and ``@list`` files -> one list of paths.

A national corpus is tens of thousands of documents, more than a command line holds. Every
command takes, for each argument:

- a file: itself;
- a directory: every document or RDF file below it (recursively; names starting with ``.`` skipped),
  recognised by suffix (`CORPUS_SUFFIXES`);
- a glob pattern (``'docs/**/*.pdf'``, quoted so the shell leaves it alone): the files it matches;
- ``@paths.txt``: one path, directory or pattern per line (blank lines and ``#`` comments skipped;
  relative paths are relative to the current directory, as ``find … > paths.txt`` writes them).

Directories and patterns expand in sorted order, so a run sees the same sequence every time.
An argument that matches nothing is an error naming it (a typo never silently shrinks a batch):
`expand_sources` raises it, or, given a ``problems`` list, records it there and goes on with the
other arguments (what the commands do: the others are processed, exit 2 at the end). A path that
exists but is not a directory (a device, a FIFO) is passed on as a file: reading refuses it with
its reason (`pdgraph.files`).
"""
from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import PdgraphError
from ..files import InputFileError, max_size, read_input
from .ingest import RDF_FORMATS, Problem

DOCUMENT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".pdf"})
CORPUS_SUFFIXES = DOCUMENT_SUFFIXES | frozenset(RDF_FORMATS)
_GLOB_CHARS = frozenset("*?[")


class SourceError(PdgraphError):
    """An input argument names nothing that can be read."""


def _directory(path: Path, suffixes: frozenset[str]) -> list[str]:
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.join(root, name) for name in files
                  if not name.startswith(".") and Path(name).suffix.lower() in suffixes]
    return sorted(found)


def _list_file(argument: str, problems: list[Problem] | None = None) -> list[str]:
    path = Path(argument[1:])
    try:
        text = read_input(path, max_size()).decode("utf-8-sig")  # a regular file: never a device or FIFO
    except (InputFileError, UnicodeDecodeError) as error:
        reason = error.reason if isinstance(error, InputFileError) else "not UTF-8 text"
        raise SourceError(f"{argument}: cannot read the list of paths: {reason}") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("@"):
            _collecting(problems, _refuse, f"{path}:{number}: a list file cannot name another list file ({entry})")
            continue
        entries.append((f"{path}:{number}", entry))
    return [found for place, entry in entries for found in _collecting(problems, _expand_one, entry, place)]


def _expand_one(argument: str, place: str | None = None, suffixes: frozenset[str] = CORPUS_SUFFIXES) -> list[str]:
    where = f"{place}: " if place else ""
    path = Path(argument)
    if path.is_dir():
        found = _directory(path, suffixes)
        if not found:
            raise SourceError(f"{where}{argument}: the directory holds no document or RDF file "
                              f"({', '.join(sorted(suffixes))})")
        return found
    if path.is_file() or (os.path.exists(argument) and not _GLOB_CHARS & set(argument)):
        return [argument]  # a device or FIFO too: reading refuses it, naming it
    if _GLOB_CHARS & set(argument):
        found = sorted(p for p in glob.glob(argument, recursive=True) if os.path.isfile(p))
        if not found:
            raise SourceError(f"{where}{argument}: no file matches the pattern")
        return found
    raise SourceError(f"{where}{argument}: no such file or directory")


def _refuse(message: str) -> list[str]:
    raise SourceError(message)


def _collecting(problems: list[Problem] | None, function, argument: str, *args) -> list[str]:
    """``function(argument, *args)``; with a ``problems`` list, a `SourceError` is recorded there instead."""
    try:
        return function(argument, *args)
    except SourceError as error:
        if problems is None:
            raise
        problems.append(Problem(argument, str(error)))
        return []


def expand_sources(arguments: Iterable[str], suffixes: frozenset[str] = CORPUS_SUFFIXES,
                   problems: list[Problem] | None = None) -> list[str]:
    """The paths named by the arguments, in order (see the module docstring). An argument that names
    nothing raises `SourceError`, or with a ``problems`` list is recorded there (one `Problem` each)."""
    paths: list[str] = []
    for argument in arguments:
        if argument.startswith("@") and len(argument) > 1:
            paths += _collecting(problems, _list_file, argument, problems)
        else:
            paths += _collecting(problems, _expand_one, argument, None, suffixes)
    return paths
