"""Graph analysis with networkx, where SPARQL is the wrong tool.

`project` turns the knowledge graph (any store of `pdgraph.graph.stores`) into a typed
`networkx.DiGraph`:

- nodes: assessing bodies, departments, files, systems, system kinds, recipients,
  contractors, sub-contractors and data sources, each with ``label``, ``kind``
  (the most telling role) and ``kinds`` (every role);
- edges: ``holds`` (body or responsible department → file), flows (file →
  recipient for 提供 / 移転, file → contractor for 委託, file → sub-contractor
  for 再委託, source → file for 入手), ``subcontracts`` (contractor →
  sub-contractor: who re-entrusts, not a path data takes from other
  assessments, since a contractor node is shared by all of them) and system
  connections (body → system ``uses``, system → system / kind ``connects``).
  An edge keeps the flows and assessments it stands for.

On that network: hubs (degree and betweenness), vendor concentration
(contractors serving the most files, assessments and bodies) and reachability
from a body along ``holds`` and flow edges — the same walk as the ``reach``
query, so the two agree (tested).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import networkx as nx

from ..extract.normalise import canonical_organisation
from ..graph.stores import QueryStore

HOLDS = "holds"
USES = "uses"
CONNECTS = "connects"
SUBCONTRACTS = "subcontracts"  # contractor → its sub-contractor (再委託先), not followed by reach
FLOW_RELATIONS = ("提供", "移転", "委託", "再委託")
REACH_RELATIONS = (HOLDS, *FLOW_RELATIONS)

# The kind shown for a node that plays several roles (first wins).
KIND_PRIORITY = ("body", "department", "file", "system", "system kind", "contractor", "subcontractor",
                 "recipient", "source")

_PREFIXES = """PREFIX pdg: <https://w3id.org/pdgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

# Internal projection queries (no parameters); scoped by GRAPH ?g and DISTINCT, so the
# answers are the same on rdflib and Oxigraph.
HOLDINGS = _PREFIXES + """
SELECT DISTINCT ?assessment ?holder ?holderLabel ?department ?body ?file ?fileLabel WHERE {
  GRAPH ?g {
    ?assessment pdg:hasFile ?file ;
                pdg:assessingBody|pdg:responsibleDepartment ?holder .
    ?holder rdfs:label ?holderLabel .
    OPTIONAL { ?file rdfs:label ?fileLabel }
    OPTIONAL { ?assessment pdg:assessingBody ?body }
    BIND(EXISTS { ?holder a pdg:Department } AS ?department)
  }
}"""

FLOWS = _PREFIXES + """
SELECT DISTINCT ?assessment ?file ?flow ?direction ?party ?partyLabel ?via ?department WHERE {
  GRAPH ?g {
    ?assessment pdg:hasFile ?file .
    ?file pdg:hasFlow/pdg:hasReentrustment? ?flow .
    ?flow pdg:direction ?direction ;
          pdg:recipient|pdg:contractor|pdg:dataSource ?party .
    ?party rdfs:label ?partyLabel .
    FILTER NOT EXISTS { ?party a pdg:RecipientGroup }
    OPTIONAL { ?flow pdg:entrustedBy ?via }
    BIND(EXISTS { ?party a pdg:Department } AS ?department)
  }
}"""

SYSTEMS = _PREFIXES + """
SELECT DISTINCT ?body ?bodyLabel ?system ?systemLabel ?other ?otherLabel ?relation WHERE {
  GRAPH ?g {
    ?assessment pdg:assessingBody ?body ;
                pdg:usesSystem ?system .
    ?body rdfs:label ?bodyLabel .
    ?system rdfs:label ?systemLabel .
    OPTIONAL {
      ?system pdg:connectedToSystem|pdg:connectedToKind ?other .
      ?other rdfs:label ?otherLabel .
      BIND(IF(EXISTS { ?other a pdg:SystemKind }, "system kind", "system") AS ?relation)
    }
  }
}"""


@dataclass
class Hub:
    """A node many flows pass through or meet."""

    node: str
    label: str
    kind: str
    degree: int
    in_degree: int
    out_degree: int
    betweenness: float


@dataclass
class Vendor:
    """A contractor (委託先) and the exposure it carries."""

    node: str
    label: str
    assessments: int
    bodies: int
    files: int
    entrustments: int
    subcontracting: int  # entrustment items it re-entrusts (再委託する)


@dataclass
class Reached:
    """A node reachable from a body, and the fewest flow hops to it (holds edges are not hops)."""

    node: str
    label: str
    kind: str
    hops: int


@dataclass
class Reach:
    start: str
    found: bool
    reached: list[Reached] = field(default_factory=list)


@dataclass
class Analysis:
    nodes: int
    edges: int
    hubs: list[Hub]
    vendors: list[Vendor]
    reach: list[Reach]
    betweenness_sample: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------- projection

def _text(value) -> str:
    return "" if value is None else str(value)


def _add_node(graph: nx.DiGraph, node: str, label: str, kind: str) -> None:
    if node not in graph:
        graph.add_node(node, label=label, kinds=set())
    data = graph.nodes[node]
    data["kinds"].add(kind)
    if label and (not data["label"] or label < data["label"]):
        data["label"] = label


def _add_edge(graph: nx.DiGraph, source: str, target: str, relation: str, flow: str | None = None,
              assessment: str | None = None) -> None:
    """Add (or extend) an edge; ``relations`` maps each relation to the flows it stands for."""
    if not graph.has_edge(source, target):
        graph.add_edge(source, target, relations={}, assessments=set())
    data = graph.edges[source, target]
    flows = data["relations"].setdefault(relation, set())
    if flow:
        flows.add(flow)
    if assessment:
        data["assessments"].add(assessment)


def project(store: QueryStore) -> nx.DiGraph:
    """The typed DiGraph of bodies, departments, files, systems, recipients and contractors."""
    graph = nx.DiGraph()
    for row in store.select(HOLDINGS).records():
        holder, file = _text(row["holder"]), _text(row["file"])
        department = _text(row["department"]) == "true"
        _add_node(graph, holder, _text(row["holderLabel"]), "department" if department else "body")
        _add_node(graph, file, _text(row["fileLabel"]), "file")
        _add_edge(graph, holder, file, HOLDS, assessment=_text(row["assessment"]))
    for row in store.select(FLOWS).records():
        file, flow, party = _text(row["file"]), _text(row["flow"]), _text(row["party"])
        direction, assessment = _text(row["direction"]), _text(row["assessment"])
        label = _text(row["partyLabel"])
        if direction == "入手":
            _add_node(graph, party, label, "source")
            _add_edge(graph, party, file, direction, flow, assessment)
        elif direction == "再委託":
            # the file's data reaches the sub-contractor; the contractor node is shared by every
            # assessment that entrusts it, so its edge to this sub-contractor is not a data path
            # (reach from another body must not run through it)
            _add_node(graph, party, label, "subcontractor")
            _add_edge(graph, file, party, direction, flow, assessment)
            if row["via"] is not None:
                _add_node(graph, _text(row["via"]), "", "contractor")
                _add_edge(graph, _text(row["via"]), party, SUBCONTRACTS, flow, assessment)
        else:
            kind = "contractor" if direction == "委託" else "recipient"
            _add_node(graph, party, label, kind)
            if _text(row["department"]) == "true":
                _add_node(graph, party, label, "department")
            _add_edge(graph, file, party, direction, flow, assessment)
    for row in store.select(SYSTEMS).records():
        body, system = _text(row["body"]), _text(row["system"])
        _add_node(graph, body, _text(row["bodyLabel"]), "body")
        _add_node(graph, system, _text(row["systemLabel"]), "system")
        _add_edge(graph, body, system, USES)
        if row["other"] is not None:
            other = _text(row["other"])
            _add_node(graph, other, _text(row["otherLabel"]), _text(row["relation"]))
            _add_edge(graph, system, other, CONNECTS)
    for _, data in graph.nodes(data=True):
        data["kind"] = next(k for k in KIND_PRIORITY if k in data["kinds"])
    return graph


def flow_view(graph: nx.DiGraph) -> nx.DiGraph:
    """The sub-network along which data travels: ``holds`` and flow edges (no 入手, no systems)."""
    return nx.subgraph_view(graph, filter_edge=lambda u, v: any(
        r in REACH_RELATIONS for r in graph.edges[u, v]["relations"]))


# --------------------------------------------------------------------------- measures

def hubs(graph: nx.DiGraph, top: int = 10, sample: int | None = None) -> list[Hub]:
    """The ``top`` nodes by degree, with their betweenness (sampled on ``sample`` sources if given)."""
    if not len(graph):
        return []
    k = sample if sample is not None and sample < len(graph) else None
    between = nx.betweenness_centrality(graph, k=k, seed=0 if k else None)
    ranked = sorted(graph.nodes, key=lambda n: (-graph.degree(n), -between[n], n))[:top]
    return [Hub(n, graph.nodes[n]["label"], graph.nodes[n]["kind"], graph.degree(n), graph.in_degree(n),
                graph.out_degree(n), round(between[n], 6)) for n in ranked]


def vendor_concentration(graph: nx.DiGraph, top: int | None = 10) -> list[Vendor]:
    """Contractors by the assessments, bodies and files they serve (most exposed first)."""
    vendors = []
    for node, data in graph.nodes(data=True):
        if "contractor" not in data["kinds"]:
            continue
        files, assessments, entrustments = set(), set(), set()
        for file in graph.predecessors(node):
            edge = graph.edges[file, node]
            if "委託" not in edge["relations"]:
                continue
            files.add(file)
            assessments |= edge["assessments"]
            entrustments |= edge["relations"]["委託"]
        bodies = {holder for file in files for holder in graph.predecessors(file)
                  if "body" in graph.nodes[holder]["kinds"] and HOLDS in graph.edges[holder, file]["relations"]}
        subcontracting = {f for _, _, e in graph.out_edges(node, data=True) for f in e["relations"].get(SUBCONTRACTS, ())}
        vendors.append(Vendor(node, data["label"], len(assessments), len(bodies), len(files), len(entrustments),
                              len(subcontracting)))
    vendors.sort(key=lambda v: (-v.assessments, -v.bodies, -v.files, -v.entrustments, v.label, v.node))
    return vendors if top is None else vendors[:top]


def find_bodies(graph: nx.DiGraph, organization: str) -> list[str]:
    """Body nodes whose label is the canonical form of ``organization``."""
    name = canonical_organisation(organization)
    return sorted(n for n, d in graph.nodes(data=True) if "body" in d["kinds"] and d["label"] == name)


def reachable(graph: nx.DiGraph, organization: str) -> Reach:
    """Everything a body's data can reach along holds and flow edges, with hop counts."""
    starts = find_bodies(graph, organization)
    view = flow_view(graph)
    hops: dict[str, int] = {}
    for start in starts:
        for node, length in _flow_hops(view, start).items():
            hops[node] = min(length, hops.get(node, length))
    reached = [Reached(n, graph.nodes[n]["label"], graph.nodes[n]["kind"], h) for n, h in hops.items()
               if n not in starts and graph.nodes[n]["kind"] != "file"]
    reached.sort(key=lambda r: (r.hops, r.kind, r.label, r.node))
    return Reach(organization, bool(starts), reached)


def _flow_hops(view: nx.DiGraph, start: str) -> dict[str, int]:
    """Shortest distances counting only flow edges (a ``holds`` edge costs nothing; a 再委託 edge,
    drawn from the file, costs two: the data passes through the contractor on its way)."""
    def weight(u, v, data):
        relations = set(data["relations"])
        if relations <= {HOLDS}:
            return 0
        return 2 if relations == {"再委託"} else 1
    return nx.single_source_dijkstra_path_length(view, start, weight=weight)


def analyse(store: QueryStore, starts: tuple[str, ...] = (), top: int = 10,
            betweenness_sample: int | None = 500) -> Analysis:
    """Project the store and report hubs, vendor concentration and reachability from ``starts``."""
    graph = project(store)
    sample = betweenness_sample if betweenness_sample is not None and betweenness_sample < len(graph) else None
    return Analysis(nodes=graph.number_of_nodes(), edges=graph.number_of_edges(),
                    hubs=hubs(graph, top, sample), vendors=vendor_concentration(graph, top),
                    reach=[reachable(graph, s) for s in starts], betweenness_sample=sample)
