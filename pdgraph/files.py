"""The file system at the edges: inputs checked before they are read, outputs written safely.

Inputs (`read_input`, `check_input`):
- only a regular file is read: a directory, a device (``/dev/zero``), a FIFO or a socket is
  refused before it is opened (reading one could block or never end);
- a document above the size limit (`max_size`: 50 MB by default, ``--max-size`` or the
  ``PDGRAPH_MAX_SIZE`` environment variable; 0 = no limit) is refused before it is read, and
  no more than the limit is ever read, whatever the file's stated size.

Outputs (`OutputFiles`): every file a command writes goes through one object that knows the
inputs of the command, so

- a file that is an input (the same file by any path: relative, absolute, through a symlink or
  a hard link) is never written over;
- a file is written to ``NAME.partial`` beside it and renamed when complete: a failure leaves
  no partial output behind, and an earlier file of that name is kept;
- every failure is an `OutputError` naming the path (``PATH: cannot write: reason``), which
  the CLI shows as one ``error:`` line with exit 2.
"""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import PdgraphError

DEFAULT_MAX_SIZE = 50 * 1024 * 1024
MAX_SIZE_ENV = "PDGRAPH_MAX_SIZE"
_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024 ** 2, "mb": 1024 ** 2, "g": 1024 ** 3, "gb": 1024 ** 3}
_max_size: int | None = None  # set by the CLI (--max-size); inherited by forked workers


class InputFileError(PdgraphError):
    """An input that is not read: not a regular file, too large, or unreadable."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path, self.reason = shown_path(path), reason
        super().__init__(f"{self.path}: {reason}")


class OutputError(PdgraphError):
    """An output that cannot (or must not) be written."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path, self.reason = shown_path(path), reason
        super().__init__(f"{self.path}: {reason}")


def shown_path(path: str | os.PathLike | bytes) -> str:
    """A path as the user gave it, printable: bytes that are not UTF-8 (a file name read with
    surrogateescape) shown as ``\\xff``, never a crash when the message is written."""
    text = os.fsdecode(path) if isinstance(path, bytes) else str(path)
    if not _has_surrogates(text):
        return text
    return os.fsencode(text).decode("utf-8", errors="backslashreplace")


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def parse_size(text: str) -> int:
    """``50M``, ``200 KB``, ``1g``, ``1048576`` -> bytes; ``0`` means no limit."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", text or "")
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"{text!r} is not a size (e.g. 50M, 200K, 1G or a number of bytes)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def set_max_size(size: int | None) -> None:
    """The document size limit for this process and the workers it forks (None: the default)."""
    global _max_size
    _max_size = size


def max_size() -> int:
    """The document size limit in bytes (0: none): `set_max_size`, else ``PDGRAPH_MAX_SIZE``, else 50 MB."""
    if _max_size is not None:
        return _max_size
    value = os.environ.get(MAX_SIZE_ENV)
    if value:
        try:
            return parse_size(value)
        except ValueError as error:
            raise PdgraphError(f"{MAX_SIZE_ENV}: {error}") from None
    return DEFAULT_MAX_SIZE


def _megabytes(size: int) -> str:
    if size >= 1024 ** 2:
        return f"{size / 1024 ** 2:.1f} MB"
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def check_input(path: str | os.PathLike, limit: int | None = None) -> int:
    """The size of a regular file that may be read; `InputFileError` if it is not one, or above
    ``limit`` bytes (0 or None: no limit). Nothing is opened."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise InputFileError(path, f"cannot read: {(error.strerror or str(error)).lower()}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = _kind(info.st_mode)
        raise InputFileError(path, f"refused: {kind}, not a regular file" if kind != "not a regular file"
                             else "refused: not a regular file")
    if limit and info.st_size > limit:
        raise InputFileError(path, f"refused: {_megabytes(info.st_size)}, above the size limit of "
                             f"{_megabytes(limit)} (raise it with --max-size or {MAX_SIZE_ENV})")
    return info.st_size


def read_input(path: str | os.PathLike, limit: int | None = None) -> bytes:
    """The bytes of a regular file (see `check_input`); never more than ``limit`` bytes are read,
    so a file that grows, or says it is empty (``/proc``), cannot exhaust memory."""
    check_input(path, limit)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1) if limit else handle.read()
    except OSError as error:
        raise InputFileError(path, f"cannot read: {(error.strerror or str(error)).lower()}") from None
    if limit and len(data) > limit:
        raise InputFileError(path, f"refused: more than the size limit of {_megabytes(limit)} "
                             f"(raise it with --max-size or {MAX_SIZE_ENV})")
    return data


def _identity(path: str | os.PathLike) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


class OutputFiles:
    """Where a command may write: never over one of its ``inputs``; atomically; errors as `OutputError`."""

    def __init__(self, inputs: Iterable[str | os.PathLike] = ()):
        self.inputs: dict[tuple[int, int], str] = {}
        self.protect(inputs)

    def protect(self, paths: Iterable[str | os.PathLike]) -> None:
        """Add input files that must not be written over."""
        for path in paths:
            identity = _identity(path)
            if identity is not None:
                self.inputs.setdefault(identity, shown_path(path))

    def check(self, path: str | os.PathLike) -> Path:
        """The output file ``path``, checked: not an input, not a directory, its directory exists."""
        path = Path(path)
        identity = _identity(path)
        if identity is not None and identity in self.inputs:
            source = self.inputs[identity]
            same = "" if source == shown_path(path) else f" ({source})"
            raise OutputError(path, f"refused: it is an input of this command{same}; "
                              "writing would destroy it — choose another output")
        if path.is_dir():
            raise OutputError(path, "cannot write: it is a directory")
        parent = path.parent
        if not parent.is_dir():
            reason = "not a directory" if parent.exists() else "no such directory"
            raise OutputError(path, f"cannot write: {reason}: {shown_path(parent)}")
        return path

    def directory(self, path: str | os.PathLike) -> Path:
        """An output directory, created with its parents if need be."""
        path = Path(path)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise OutputError(path, "cannot write: not a directory") from None
        except OSError as error:
            raise OutputError(path, f"cannot create the directory: {(error.strerror or str(error)).lower()}") from None
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(path, "cannot write: permission denied")
        return path

    @contextmanager
    def open(self, path: str | os.PathLike) -> Iterator[BinaryIO]:
        """``with outputs.open(path) as out: out.write(bytes)``: ``path`` appears only when the block
        ends without an error (written to ``NAME.partial``, then renamed)."""
        path = self.check(path)
        partial = path.with_name(path.name + ".partial")
        try:
            handle = open(partial, "wb")
        except OSError as error:
            raise OutputError(path, f"cannot write: {(error.strerror or str(error)).lower()}") from None
        try:
            with handle:
                yield handle
            os.replace(partial, path)
        except OSError as error:
            raise OutputError(path, f"cannot write: {(error.strerror or str(error)).lower()}") from None
        finally:
            if partial.exists():
                partial.unlink()

    def write_text(self, path: str | os.PathLike, text: str) -> Path:
        """Write a whole text file (UTF-8) atomically."""
        with self.open(path) as out:
            out.write(text.encode("utf-8"))
        return Path(path)


__all__ = ["DEFAULT_MAX_SIZE", "InputFileError", "MAX_SIZE_ENV", "OutputError", "OutputFiles", "check_input",
           "max_size", "parse_size", "read_input", "set_max_size", "shown_path"]
