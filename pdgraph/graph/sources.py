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
An argument that matches nothing is an error naming it (a typo never silently shrinks a batch).
"""
from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import PdgraphError
from .ingest import RDF_FORMATS

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


def _list_file(argument: str) -> list[str]:
    path = Path(argument[1:])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise SourceError(f"{argument}: cannot read the list of paths: {reason}") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if entry.startswith("@"):
            raise SourceError(f"{path}:{number}: a list file cannot name another list file ({entry})")
        entries.append((f"{path}:{number}", entry))
    return [found for place, entry in entries for found in _expand_one(entry, place)]


def _expand_one(argument: str, place: str | None = None, suffixes: frozenset[str] = CORPUS_SUFFIXES) -> list[str]:
    where = f"{place}: " if place else ""
    path = Path(argument)
    if path.is_dir():
        found = _directory(path, suffixes)
        if not found:
            raise SourceError(f"{where}{argument}: the directory holds no document or RDF file "
                              f"({', '.join(sorted(suffixes))})")
        return found
    if path.is_file():
        return [argument]
    if _GLOB_CHARS & set(argument):
        found = sorted(p for p in glob.glob(argument, recursive=True) if os.path.isfile(p))
        if not found:
            raise SourceError(f"{where}{argument}: no file matches the pattern")
        return found
    raise SourceError(f"{where}{argument}: no such file or directory")


def expand_sources(arguments: Iterable[str], suffixes: frozenset[str] = CORPUS_SUFFIXES) -> list[str]:
    """The paths named by the arguments, in order (see the module docstring); `SourceError` if one names nothing."""
    paths: list[str] = []
    for argument in arguments:
        if argument.startswith("@") and len(argument) > 1:
            paths += _list_file(argument)
        else:
            paths += _expand_one(argument, suffixes=suffixes)
    return paths
