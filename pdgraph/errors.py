"""The exceptions of pdgraph; the CLI maps them to messages and exit code 2."""
from __future__ import annotations


class PdgraphError(Exception):
    """Base class: bad input or usage, reported as a message, never a traceback."""


class DecodeError(PdgraphError):
    """A document's bytes cannot be decoded."""

    def __init__(self, document: str, offset: int, reason: str):
        self.document, self.offset, self.reason = document, offset, reason
        super().__init__(f"{document}: byte {offset}: {reason}")


class NotAnAssessmentError(PdgraphError):
    """The text holds no recognisable item of the 特定個人情報保護評価書 form."""

    def __init__(self, document: str, line: int | str, reason: str):  # line, or "p12:L7" in a PDF
        self.document, self.line, self.reason = document, line, reason
        super().__init__(f"{document}:{line}: {reason}")


class RdfInputError(PdgraphError):
    """An RDF source (TriG, Turtle, N-Quads) cannot be parsed."""


class ConcatenatedAssessmentsError(NotAnAssessmentError):
    """One file holds a second assessment after the first (its own title and header)."""
