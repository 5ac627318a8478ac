"""pdgraph: knowledge graphs of personal-data flows from 特定個人情報保護評価書.

One direction of data, one subpackage per stage (docs/architecture.md):

    read -> form -> extract (+ law: citations, numerals, dates) -> graph
    -> validate | query | map          (cli on top)

The public API (`pdgraph.api`, docs/api.md) is importable from here: ``pdgraph.ingest``,
``pdgraph.trig``, ``pdgraph.facts``, ``pdgraph.validate``, ``pdgraph.run_query``, ``pdgraph.table``,
``pdgraph.analyze``, ``pdgraph.flow_map``, ``pdgraph.ropa``, ``pdgraph.report``,
``pdgraph.write_tables``, ``pdgraph.read_assessment``.
It is loaded on first use, so ``import pdgraph`` stays cheap and the stages never import it.
"""

__version__ = "0.1.0"

_API = ("Assessment", "Ingested", "Report", "Solutions", "MapOptions", "Table", "Analysis",
        "read_assessment", "ingest", "trig", "facts", "validate", "run_query", "table", "analyze",
        "flow_map", "ropa", "report", "write_tables")
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    # `pdgraph.validate` / `pdgraph.query` are also subpackages: once one is imported, Python sets
    # the attribute to the module, so the API functions are looked up in `api` explicitly.
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'pdgraph' has no attribute {name!r}")
