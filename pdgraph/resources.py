"""Where the catalogue files are: the SPARQL queries (``queries/*.rq``) and the SHACL shapes
(``shapes/*.ttl``).

The project keeps them at the top of the repository; the wheel ships them inside the package as
``pdgraph/_queries`` and ``pdgraph/_shapes`` (pyproject.toml maps the two directories), so a
plain ``pip install .`` finds them as well as an editable install or a source checkout does.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str, package: Path = PACKAGE) -> Path:
    """The ``queries`` or ``shapes`` directory: the installed copy when there is one, else the
    repository's (a source checkout or an editable install)."""
    installed = package / f"_{name}"
    return installed if installed.is_dir() else package.parent / name
