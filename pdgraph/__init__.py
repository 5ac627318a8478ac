"""pdgraph: knowledge graphs of personal-data flows from 特定個人情報保護評価書.

Pipeline (one direction of data, one module per stage):

    read (reader) -> parse the form (form) -> extract (extract)
    -> normalise (normalise, citations, dates) -> map to RDF (rdfmap)
    -> validate / query / render
"""

__version__ = "0.1.0"
