"""Guards on RDF inputs: nothing in an RDF file may make pdgraph expand entities or fetch.

- RDF/XML: a DTD that declares entities, or names an external DTD (SYSTEM /
  PUBLIC), is refused before parsing. Nested entities ("billion laughs") expand
  exponentially; external ones and external DTDs read files or the network.
  RDF needs neither.
- JSON-LD: a ``@context`` (or ``@import``) given by URL would be fetched by the
  parser. pdgraph makes no network request unless asked, so a remote context is
  refused with a message telling to inline it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import RdfInputError

# The prolog of an XML document ends at the first element start tag.
_PROLOG_END = re.compile(rb"<(?![?!])")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE\s+[^\s>\[]+\s+(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)


def check_xml_prolog(path: Path, data: bytes) -> None:
    """Refuse an RDF/XML file whose DTD declares entities."""
    end = _PROLOG_END.search(data)
    prolog = data[: end.start()] if end else data
    if _ENTITY_DECL.search(prolog):
        raise RdfInputError(f"{path}: refused: the DTD declares entities "
                            "(entity expansion is not allowed in RDF/XML input)")
    if _EXTERNAL_DTD.search(prolog):
        raise RdfInputError(f"{path}: refused: the DOCTYPE names an external DTD "
                            "(it would be read from a file or the network; RDF/XML needs none)")


def _remote_contexts(node, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, str):
                        found.append(item)
                    else:
                        _remote_contexts(item, found)
            else:
                _remote_contexts(value, found)
    elif isinstance(node, list):
        for item in node:
            _remote_contexts(item, found)


def check_jsonld(path: Path, data: bytes) -> None:
    """Refuse a JSON-LD document that is not JSON or names a context by reference."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise RdfInputError(f"{path}: cannot parse as json-ld: {error}") from None
    found: list[str] = []
    _remote_contexts(document, found)
    if found:
        raise RdfInputError(f"{path}: refused: @context {found[0]!r} is a reference that would be fetched "
                            "(pdgraph makes no network request): put the context inline")
