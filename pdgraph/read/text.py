"""Stage 1, read: bytes -> text, decoded strictly, with the encoding recorded.

A PDF (``%PDF-`` at the start) is read by `pdgraph.read.pdf` instead: its ruled form cells become
tab-separated rows, and each line of the text keeps the page and line it came from
(`SourceText.locations`, a `Place` shown as ``file.pdf:p12:L7``).

Provenance: every later stage cites "the line of the text as read" (`Row.line`, the records'
``line`` fields, ``pdg:sourceLine``). Where that line is not what a reader finds in the file
(a PDF page, a page-long line), the line is a `Line`: an ``int`` that also carries its `Place`,
so it travels through parsing and extraction unchanged and the graph, the reports and the map
can show ``file.pdf:p12:L7`` or ``file.txt:L3:c1201``. Text read line by line has no place: its
line number is the place.

Assessments arrive as UTF-8 (with or without BOM), UTF-16 with BOM, Shift_JIS /
CP932 or EUC-JP. Decoding is strict: an undecodable file raises
`DecodeError` naming the file and the byte offset; nothing is replaced or
dropped. The text is returned as written (line endings unified to "\n" only);
normalisation for interpretation happens later, on copies.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DecodeError
from ..files import max_size, read_input, shown_path

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy Japanese encodings tried when the bytes are not UTF-8, most common first.
# euc_jis_2004 is EUC-JP with JIS X 0213 plane 1: it reads the NEC special characters
# (① at 0xADA1, Ⅰ, ㍉, №) that `nkf -e` and eucJP-ms write and plain euc_jp refuses.
_LEGACY = ("cp932", "euc_jp", "euc_jis_2004")
_LEGACY_NAMES = {"cp932": "Shift_JIS/CP932", "euc_jp": "EUC-JP", "euc_jis_2004": "EUC-JP"}
_KANA = re.compile(r"[\u3040-\u30ff]")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a piece of the text as read stands in the source file, as a reader finds it.

    In a PDF: page and the line of text on that page, counted from the top of the page with the
    running heads ("p12:L7"). In a text whose lines are whole pages: the line of the file and the
    1-based character column where the piece starts ("L3:c1201")."""

    line: int  # 1-based: the line on the page (PDF), else the line of the file
    page: int | None = None  # 1-based PDF page
    column: int | None = None  # 1-based character column in the line

    def __str__(self) -> str:
        page = f"p{self.page}:" if self.page is not None else ""
        column = f":c{self.column}" if self.column is not None else ""
        return f"{page}L{self.line}{column}"


class Line(int):
    """A 1-based line of the text as read that also knows its `Place` in the source file.

    It is an ``int`` everywhere (sorting, comparing, JSON, ``pdg:sourceLine``), so records keep
    their ``line`` fields; only code that shows a location asks for `place_of`. Arithmetic gives
    a plain ``int``: a computed line has no place."""

    place: Place | None

    def __new__(cls, number: int, place: Place | None = None) -> Line:
        line = super().__new__(cls, number)
        line.place = place
        return line

    def __reduce__(self):
        return (Line, (int(self), self.place))


def place_of(line: int | None) -> Place | None:
    """The `Place` a line carries (None for plain text, where the line number is the place)."""
    return getattr(line, "place", None)


def shown_place(line: int | None) -> str:
    """How a line is shown after ``file:``: its place ("p12:L7", "L3:c1201") or its number."""
    place = place_of(line)
    return str(place) if place is not None else ("?" if line is None else str(int(line)))


@dataclass(frozen=True, slots=True)
class SourceText:
    """A decoded document: its name (the file name, for provenance), text and encoding, and the
    path as the user gave it (for messages: two files of one batch may share a name)."""

    name: str
    text: str
    encoding: str
    locations: tuple[Place, ...] = ()  # per line, where it stands in the source (a PDF's page and line)
    path: str | None = field(default=None, compare=False)

    @property
    def shown(self) -> str:
        """How messages name the document: the path as given, else its name."""
        return self.path if self.path is not None else self.name

    @property
    def lines(self) -> list[str]:
        """Lines of the original text; line n of the document is ``lines[n - 1]``."""
        return self.text.split("\n")

    def line(self, number: int, column: int | None = None) -> Line:
        """Line ``number`` (1-based) of the text with its place: page and line in a PDF; the
        1-based ``column`` when given (a piece of a page-long line); else no place."""
        if 0 < number <= len(self.locations):
            return Line(number, self.locations[number - 1])
        return Line(number, Place(number, column=column) if column is not None else None)

    def place(self, line: int) -> str:
        """Where line ``line`` (1-based) of the text stands in the source: "p12:L7" for a PDF, else
        the line number itself."""
        return shown_place(self.line(line))


def decode(data: bytes, name: str = "<bytes>", path: str | None = None) -> SourceText:
    """Decode document bytes strictly; raise `DecodeError` (path or name, byte offset) when impossible."""
    shown = path if path is not None else name
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return SourceText(name, _strict(data, encoding, shown), encoding, path=path)
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise DecodeError(shown, offset, "NUL byte in a text without a UTF-16 byte-order mark (binary file or BOM-less UTF-16)")
    try:
        return SourceText(name, _unify(data.decode("utf-8")), "utf-8", path=path)
    except UnicodeDecodeError as utf8_error:
        candidates = []
        failures = [(utf8_error.start, "UTF-8")]
        for encoding in _LEGACY:
            try:
                candidates.append((encoding, data.decode(encoding)))
            except UnicodeDecodeError as error:
                failures.append((error.start, _LEGACY_NAMES[encoding]))
        if not candidates:
            # The encoding that read furthest is the file's: its first bad byte is the place to show.
            offset, encoding_name = max(failures, key=lambda failure: failure[0])
            line = data.count(b"\n", 0, offset) + 1
            raise DecodeError(shown, offset, f"line {line}: invalid {encoding_name} "
                              "byte sequence (not valid UTF-8, UTF-16, Shift_JIS/CP932 or EUC-JP)") from None
        # Both legacy decoders can succeed on the same bytes; real Japanese text has kana.
        encoding, text = max(candidates, key=lambda c: len(_KANA.findall(c[1])))
        return SourceText(name, _unify(text), encoding, path=path)


def read_document(path: str | Path) -> SourceText:
    """Read and decode one document file (see `decode`).

    Only a regular file no larger than the size limit is read (`pdgraph.files.read_input`);
    messages name the path as given, the provenance its file name (`SourceText`)."""
    data = read_input(path, max_size())  # an InputFileError names the path as given
    shown, name = shown_path(path), shown_path(Path(path).name)
    if is_pdf(data):
        return read_pdf_source(data, name, shown)
    return decode(data, name, shown)


def is_pdf(data: bytes) -> bool:
    """A PDF file starts with ``%PDF-`` (readers accept junk before it within the first KiB)."""
    return b"%PDF-" in data[:1024]


def read_pdf_source(data: bytes, name: str, path: str | None = None) -> SourceText:
    """A PDF's form rows as text, each line with its page and line (`pdgraph.read.pdf`)."""
    from .pdf import read_pdf_bytes  # PDFium is loaded only when a PDF is read

    result = read_pdf_bytes(data, path if path is not None else name)
    locations = tuple(Place(line.line, page=line.page) for line in result.lines)
    return SourceText(name, result.text, "pdf", locations, path=path)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return _unify(data.decode(encoding))
    except UnicodeDecodeError as error:
        raise DecodeError(name, error.start, f"invalid {encoding} byte sequence") from None


def _unify(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
