"""The ontology (ontology/pdgraph.ttl) against the code and the graph it describes.

Families:
- the ontology parses and has its header (version = package version);
- every PDG term the package writes (found in the source AND in the graph built
  from examples/*.txt) is declared, of the right kind, with ja/en labels and
  definitions; no term is declared that nothing uses (except abstract ones);
- the pdg: terms named in queries/*.rq and shapes/*.ttl are declared too;
- the graph/vocab.py concepts are individuals in their concept schemes, with the
  form's option text as their Japanese label;
- rdfs:domain / rdfs:range agree with the example graphs (a checker that is
  itself tested on a planted violation);
- the DPV 2.x / PROV-O alignment triples exist and name only real DPV terms;
- OWL RL closure of ontology + examples reports no inconsistency, and the DPV
  view of the data (dpv:Process, dpv:hasRecipient, dpv:LegalBasis) follows;
- docs/model.md mentions every class and its SPARQL snippets run.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib import namespace as rdfns
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

import pdgraph
from pdgraph.graph import mapping as rdfmap
from pdgraph.graph.ingest import assessment_graphs
from pdgraph.graph.vocab import DIRECTION, DPV, ID, METHOD, PDG, SOURCE_CATEGORY, SYSTEM_KIND

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "pdgraph.ttl"
PACKAGE = ROOT / "pdgraph"
MODEL_DOC = ROOT / "docs" / "model.md"
ONTOLOGY_IRI = URIRef("https://w3id.org/pdgraph/ns")

# Declared terms that the code never writes: abstract superclasses used for
# domains and the concept schemes that hold the graph/vocab.py concepts.
ABSTRACT = {PDG.DocumentRecord, PDG.LegalProvision, PDG.SystemKindScheme, PDG.MethodScheme,
            PDG.SourceCategoryScheme}

# DPV 2.0 terms checked in the DPV sources (w3c/dpv 2.0/dpv/modules/*.ttl, or
# listed as known in the engines guide). The ontology must name no other.
KNOWN_DPV = {DPV[t] for t in (
    "DPIA", "Process", "PersonalData", "Organisation", "OrganisationalUnit", "DataController",
    "DataProcessor", "DataSubProcessor", "DataSource", "Recipient", "Law", "LegalBasis",
    "hasDataController", "hasDataProcessor", "hasDataSource", "hasRecipient", "hasLegalBasis",
    "hasPersonalData")}

ALIGNMENT = [
    (PDG.Assessment, RDFS.subClassOf, DPV.DPIA),
    (PDG.Flow, RDFS.subClassOf, DPV.Process),
    (PDG.Organization, RDFS.subClassOf, DPV.Organisation),
    (PDG.AssessingBody, RDFS.subClassOf, DPV.DataController),
    (PDG.Department, RDFS.subClassOf, DPV.OrganisationalUnit),
    (PDG.RecipientGroup, RDFS.subClassOf, DPV.Recipient),
    (PDG.PersonalInformationFile, RDFS.subClassOf, DPV.PersonalData),
    (PDG.Law, RDFS.subClassOf, DPV.Law),
    (PDG.LegalProvision, RDFS.subClassOf, DPV.LegalBasis),
    (PDG.Article, RDFS.subClassOf, PDG.LegalProvision),
    (PDG.Paragraph, RDFS.subClassOf, PDG.LegalProvision),
    (PDG.Item, RDFS.subClassOf, PDG.LegalProvision),
    (PDG.AppendedTable, RDFS.subClassOf, PDG.LegalProvision),
    (PDG.TableRow, RDFS.subClassOf, PDG.LegalProvision),
    (PDG.SourceDocument, RDFS.subClassOf, PROV.Entity),
    (PDG.recipient, RDFS.subPropertyOf, DPV.hasRecipient),
    (PDG.dataSource, RDFS.subPropertyOf, DPV.hasDataSource),
    (PDG.contractor, RDFS.subPropertyOf, DPV.hasDataProcessor),
    (PDG.cites, RDFS.subPropertyOf, DPV.hasLegalBasis),
    (PDG.assessingBody, RDFS.subPropertyOf, DPV.hasDataController),
    (PDG.hasFile, RDFS.subPropertyOf, DPV.hasPersonalData),
    (PDG.file, RDFS.subPropertyOf, DPV.hasPersonalData),
    (PDG.sourceDocument, RDFS.subPropertyOf, PROV.wasDerivedFrom),
]

DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual,
                     SKOS.ConceptScheme}


# --------------------------------------------------------------------------- helpers

def in_pdg(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(PDG))


def local(term: URIRef) -> str:
    return str(term)[len(str(PDG)):]


def code_terms() -> set[URIRef]:
    """PDG terms written in the package source: PDG.x, PDG["x"] and the f-string *Raw date terms."""
    terms: set[URIRef] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        terms |= {PDG[name] for name in re.findall(r"\bPDG\.(\w+)", source)}
        terms |= {PDG[name] for name in re.findall(r"\bPDG\[\s*[\"'](\w+)[\"']\s*\]", source)}
        dynamic = re.findall(r"\bPDG\[\s*f[\"']([^\"']*)[\"']\s*\]", source)
        for template in dynamic:
            # The only dynamic term: PDG[f"{_camel(field)}Raw"] in _Mapper.date(..., field).
            assert template == "{_camel(field)}Raw", f"{path.name}: unknown dynamic PDG term {template!r}"
            fields = re.findall(r"self\.date\([^()]*(?:\([^()]*\)[^()]*)*,\s*\"(\w+)\"\)", source)
            assert fields, f"{path.name}: no self.date(..., \"field\") calls found for {template!r}"
            terms |= {PDG[f"{rdfmap._camel(field)}Raw"] for field in fields}
    return terms


def graph_terms(dataset) -> set[URIRef]:
    return {term for quad in dataset.quads((None, None, None, None)) for term in quad[:3] if in_pdg(term)}


def superclasses(onto: Graph, cls) -> set:
    return set(onto.transitive_objects(cls, RDFS.subClassOf))


def union_members(onto: Graph, expression) -> list:
    head = onto.value(expression, OWL.unionOf)
    assert head is not None, f"blank class expression without owl:unionOf: {expression}"
    return list(Collection(onto, head))


def class_ok(onto: Graph, types: set, expression) -> bool:
    """True when a node with asserted ``types`` belongs to ``expression`` (a class or a union)."""
    if isinstance(expression, BNode):
        return any(class_ok(onto, types, member) for member in union_members(onto, expression))
    return any(expression in superclasses(onto, t) for t in types)


def literal_ok(onto: Graph, literal: Literal, expression) -> bool:
    if isinstance(expression, BNode):
        return any(literal_ok(onto, literal, member) for member in union_members(onto, expression))
    datatype = literal.datatype or (RDF.langString if literal.language else rdfns.XSD.string)
    return expression in (datatype, RDFS.Literal)


def domain_range_violations(onto: Graph, graph: Graph) -> list[str]:
    """Triples of ``graph`` whose PDG predicate's rdfs:domain / rdfs:range the node types contradict."""
    types: dict = defaultdict(set)
    for s, o in graph.subject_objects(RDF.type):
        types[s].add(o)
    problems = []
    for s, p, o in graph:
        if not in_pdg(p):
            continue
        for domain in onto.objects(p, RDFS.domain):
            if not class_ok(onto, types[s], domain):
                problems.append(f"{local(p)} domain: {s} has types {sorted(map(str, types[s]))}")
        for range_ in onto.objects(p, RDFS.range):
            ok = literal_ok(onto, o, range_) if isinstance(o, Literal) else class_ok(onto, types[o], range_)
            if not ok:
                problems.append(f"{local(p)} range: {o!r} (types {sorted(map(str, types[o]))})")
    return problems


def declared(onto: Graph) -> set[URIRef]:
    return {s for s in onto.subjects() if in_pdg(s)}


def labels(onto: Graph, term, predicate=RDFS.label) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for value in onto.objects(term, predicate):
        if isinstance(value, Literal) and value.language:
            found[value.language].append(str(value))
    return found


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def onto() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY, format="turtle")
    return graph


@pytest.fixture(scope="module")
def seed_graphs(seed_ingested) -> list[Graph]:
    graphs = assessment_graphs(seed_ingested.dataset)
    assert len(graphs) == 4
    return graphs


@pytest.fixture(scope="module")
def closure(onto, seed_graphs) -> Graph:
    """OWL 2 RL closure (owlrl) of the ontology plus the union of the example graphs."""
    owlrl = pytest.importorskip("owlrl")
    graph = Graph()
    for source in (onto, *seed_graphs):
        for triple in source:
            graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


# --------------------------------------------------------------------------- (1) parsing and header

def test_ontology_parses_with_header(onto):
    assert len(onto) > 500
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionInfo)) == pdgraph.__version__
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{pdgraph.__version__}")
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert set(labels(onto, ONTOLOGY_IRI, predicate)) >= {"ja", "en"}, predicate
    for predicate in (DCTERMS.created, DCTERMS.modified, DCTERMS.license, DCTERMS.creator):
        assert onto.value(ONTOLOGY_IRI, predicate) is not None, predicate


# --------------------------------------------------------------------------- (2) every used term is declared

def test_code_scan_finds_the_terms():
    """The scanner itself: it must see plain, bracketed and f-string terms (else the next test proves nothing)."""
    terms = code_terms()
    assert {PDG.Assessment, PDG.hasFlow, PDG.statedField, PDG.IntermediateServer} <= terms
    assert {PDG.publishedRaw, PDG.holdingStartRaw, PDG.dateRaw} <= terms
    assert len(terms) > 120


def test_every_code_term_is_declared(onto):
    missing = sorted(local(t) for t in code_terms() if not set(onto.objects(t, RDF.type)) & DECLARATION_TYPES)
    assert not missing, f"PDG terms used in pdgraph/**/*.py but not declared in {ONTOLOGY.name}: {missing}"


def test_every_graph_term_is_declared(onto, seed_ingested):
    terms = graph_terms(seed_ingested.dataset)
    assert {PDG.Flow, PDG.publishedRaw, PDG.TableRow} <= terms
    missing = sorted(local(t) for t in terms if not set(onto.objects(t, RDF.type)) & DECLARATION_TYPES)
    assert not missing, f"PDG terms in the examples' graph but not declared: {missing}"


def test_stored_queries_and_shapes_use_declared_terms(onto):
    """A misspelt pdg: term in queries/*.rq or shapes/*.ttl would silently match nothing."""
    used: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        names = set(re.findall(re.escape(str(PDG)) + r"(\w+)>", text))
        if re.search(r"PREFIX\s+pdg:\s*<" + re.escape(str(PDG)) + ">", text, flags=re.I):
            names |= set(re.findall(r"\bpdg:(\w+)", text))
        for name in names:
            used[name].add(path.name)
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        shapes = Graph().parse(path, format="turtle")
        for term in {t for triple in shapes for t in triple if in_pdg(t)}:
            used[local(term)].add(path.name)
    missing = {name: sorted(files) for name, files in used.items()
               if not set(onto.objects(PDG[name], RDF.type)) & DECLARATION_TYPES}
    assert not missing, f"undeclared pdg: terms in stored queries / shapes: {missing}"


def test_no_unused_term_is_declared(onto):
    unused = sorted(local(t) for t in declared(onto) - code_terms() - ABSTRACT)
    assert not unused, f"declared but written nowhere in pdgraph/**/*.py (remove, or add to ABSTRACT): {unused}"


def test_every_referenced_pdg_term_is_declared(onto):
    """Catches typos inside the ontology itself, e.g. a domain naming pdg:Provison."""
    referenced = {o for o in onto.objects() if in_pdg(o)}
    referenced |= {o for head in onto.objects(None, OWL.unionOf) for o in Collection(onto, head) if in_pdg(o)}
    referenced |= {o for head in onto.objects(None, OWL.members) for o in Collection(onto, head) if in_pdg(o)}
    undeclared = sorted(local(t) for t in referenced if not set(onto.objects(t, RDF.type)) & DECLARATION_TYPES)
    assert not undeclared, undeclared


def test_every_term_has_ja_and_en_labels(onto):
    problems = [f"{local(t)}: {dict(labels(onto, t))}" for t in sorted(declared(onto))
                if set(labels(onto, t)) < {"ja", "en"} or any(len(v) != 1 for v in labels(onto, t).values())]
    assert not problems, "each term needs exactly one rdfs:label @ja and one @en:\n" + "\n".join(problems)


def test_each_term_has_exactly_one_kind(onto):
    """OWL 2 DL: a pdg: term is one of class, object property, datatype property, individual, scheme."""
    problems = {local(t): sorted(k.n3() for k in kinds) for t in declared(onto)
                if len(kinds := set(onto.objects(t, RDF.type)) & DECLARATION_TYPES) != 1}
    assert not problems, problems


def test_term_kinds_match_their_use(onto, seed_ingested):
    """Literal-valued predicates are owl:DatatypeProperty, IRI-valued ones owl:ObjectProperty, types owl:Class."""
    problems = set()
    for s, p, o, _ in seed_ingested.dataset.quads((None, None, None, None)):
        if p == RDF.type and in_pdg(o) and (o, RDF.type, OWL.Class) not in onto:
            problems.add(f"{local(o)} is used as a class")
        if in_pdg(p):
            kind = OWL.DatatypeProperty if isinstance(o, Literal) else OWL.ObjectProperty
            if (p, RDF.type, kind) not in onto:
                problems.add(f"{local(p)} should be {kind.fragment}")
            if in_pdg(o) and (o, RDF.type, OWL.NamedIndividual) not in onto:
                problems.add(f"{local(o)} is used as an individual")
    assert not problems, sorted(problems)


# --------------------------------------------------------------------------- (3) definitions

def test_every_term_has_definitions_in_both_languages(onto):
    problems = [local(t) for t in sorted(declared(onto)) if set(labels(onto, t, SKOS.definition)) < {"ja", "en"}]
    assert not problems, f"missing skos:definition @ja/@en: {problems}"


def test_every_term_is_defined_by_the_ontology(onto):
    problems = [local(t) for t in sorted(declared(onto)) if (t, RDFS.isDefinedBy, ONTOLOGY_IRI) not in onto]
    assert not problems, f"missing rdfs:isDefinedBy: {problems}"


def test_labels_are_unique_within_each_kind(onto):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for language in ("ja", "en"):
            seen: dict[str, URIRef] = {}
            for term in sorted(t for t in onto.subjects(RDF.type, kind) if in_pdg(t)):
                for label in labels(onto, term)[language]:
                    assert label not in seen, f"{kind.fragment} label {label!r}@{language}: {seen[label]} and {term}"
                    seen[label] = term


# --------------------------------------------------------------------------- concepts (vocab.py)

@pytest.mark.parametrize("mapping,class_,scheme", [
    (SYSTEM_KIND, PDG.SystemKind, PDG.SystemKindScheme),
    (METHOD, PDG.Method, PDG.MethodScheme),
    (SOURCE_CATEGORY, PDG.SourceCategory, PDG.SourceCategoryScheme),
], ids=["system-kinds", "methods", "source-categories"])
def test_vocab_concepts_are_in_their_scheme(onto, mapping, class_, scheme):
    assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
    assert (class_, RDFS.subClassOf, SKOS.Concept) in onto
    for label, concept in mapping.items():
        for type_ in (OWL.NamedIndividual, SKOS.Concept, class_):
            assert (concept, RDF.type, type_) in onto, (local(concept), type_)
        assert (concept, SKOS.inScheme, scheme) in onto, local(concept)
        assert labels(onto, concept)["ja"] == [label], local(concept)
        assert labels(onto, concept, SKOS.prefLabel)["ja"] == [label], local(concept)
    members = set(onto.subjects(SKOS.inScheme, scheme))
    assert members == set(mapping.values()), "scheme members differ from pdgraph/graph/vocab.py"


def test_direction_classes_carry_the_form_words(onto):
    for word, class_ in DIRECTION.items():
        assert labels(onto, class_)["ja"] == [word]
        assert (class_, RDFS.subClassOf, PDG.Flow) in onto


# --------------------------------------------------------------------------- domains and ranges vs the data

def test_domain_range_checker_catches_a_planted_violation(onto):
    graph = Graph()
    flow, file = URIRef("urn:x:flow"), URIRef("urn:x:file")
    graph.add((flow, RDF.type, PDG.Provision))
    graph.add((flow, PDG.file, file))                      # range: file is untyped
    graph.add((flow, PDG.sourceLine, Literal("12")))      # range xsd:integer, a string given
    graph.add((flow, PDG.rowNumber, Literal("94")))       # domain pdg:TableRow
    problems = domain_range_violations(onto, graph)
    assert any(p.startswith("file range") for p in problems)
    assert any(p.startswith("sourceLine range") for p in problems)
    assert any(p.startswith("rowNumber domain") for p in problems)
    graph.add((file, RDF.type, PDG.PersonalInformationFile))
    assert not any(p.startswith("file range") for p in domain_range_violations(onto, graph))


def test_domains_and_ranges_agree_with_the_examples(onto, seed_graphs):
    problems = [f"{g.identifier}: {p}" for g in seed_graphs for p in domain_range_violations(onto, g)]
    assert not problems, f"{len(problems)} violation(s), first ones:\n" + "\n".join(problems[:20])


def test_provisions_reach_their_law_by_skos_broader(seed_graphs):
    """Legal provisions are nodes linked upwards by skos:broader (DPV pattern) up to pdg:law."""
    checked = 0
    for graph in seed_graphs:
        for provision, law in graph.subject_objects(PDG.law):
            assert law in set(graph.transitive_objects(provision, SKOS.broader)), provision
            checked += 1
    assert checked > 10


# --------------------------------------------------------------------------- (4) alignment

@pytest.mark.parametrize("triple", ALIGNMENT, ids=[f"{local(s)}-{o.n3().rsplit('/', 1)[-1]}" for s, _, o in ALIGNMENT])
def test_alignment_triple(onto, triple):
    assert triple in onto


def test_only_known_dpv_terms(onto):
    used = {t for triple in onto for t in triple if isinstance(t, URIRef) and str(t).startswith(str(DPV))}
    assert used, "no DPV term at all"
    assert not used - KNOWN_DPV, f"DPV terms not checked against DPV 2.x: {sorted(used - KNOWN_DPV)}"


def test_every_class_reaches_an_external_vocabulary(onto):
    """Every non-concept class is placed under DPV, PROV or SKOS (directly or through pdg: classes)."""
    external = (str(DPV), str(PROV), str(SKOS))
    loose = [local(c) for c in sorted(onto.subjects(RDF.type, OWL.Class)) if in_pdg(c)
             and not any(str(s).startswith(external) for s in superclasses(onto, c))]
    assert not loose, loose


# --------------------------------------------------------------------------- (5) reasoning

def test_rdfs_closure_of_the_ontology_runs(onto):
    owlrl = pytest.importorskip("owlrl")
    graph = Graph()
    for triple in onto:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(graph)
    assert (PDG.TableRow, RDFS.subClassOf, DPV.LegalBasis) in graph


def test_owl_rl_closure_with_examples_is_consistent(closure):
    from owlrl.Namespaces import ERRNS

    errors = sorted(str(m) for m in closure.objects(None, ERRNS.error))
    assert not errors, errors
    merged = [(s, o) for s, o in closure.subject_objects(OWL.sameAs)
              if s != o and str(s).startswith(str(ID)) and str(o).startswith(str(ID))]
    assert not merged, f"functional properties merged distinct nodes: {merged[:5]}"


def test_owl_rl_reasoner_reports_a_planted_inconsistency(onto):
    owlrl = pytest.importorskip("owlrl")
    from owlrl.Namespaces import ERRNS

    graph = Graph()
    for triple in onto:
        graph.add(triple)
    node = URIRef("urn:x:flow")
    graph.add((node, RDF.type, PDG.Provision))
    graph.add((node, RDF.type, PDG.Transfer))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert any("Disjoint" in str(m) for m in graph.objects(None, ERRNS.error))


def test_dpv_view_follows_from_the_alignment(closure, seed_graphs):
    """A DPV-only consumer sees processes with recipients, data sources, processors and legal bases."""
    flows = {f for g in seed_graphs for f in g.subjects(RDF.type, PDG.Flow)}
    assert flows and all((f, RDF.type, DPV.Process) in closure for f in flows)
    rows = list(closure.query("""
        SELECT DISTINCT ?process ?recipient ?basis WHERE {
          ?process a dpv:Process ; dpv:hasRecipient ?recipient ; dpv:hasLegalBasis ?basis .
          ?basis a dpv:LegalBasis .
        }""", initNs={"dpv": DPV}))
    assert len(rows) > 10
    assert list(closure.subjects(DPV.hasDataSource, None))
    assert list(closure.subjects(DPV.hasDataProcessor, None))
    assessments = {a for g in seed_graphs for a in g.subjects(RDF.type, PDG.Assessment)}
    assert all((a, RDF.type, PROV.Entity) in closure for a in assessments)


# --------------------------------------------------------------------------- docs/model.md

def test_model_doc_names_every_class(onto):
    text = MODEL_DOC.read_text(encoding="utf-8")
    classes = sorted(local(c) for c in onto.subjects(RDF.type, OWL.Class) if in_pdg(c))
    missing = [c for c in classes if f"pdg:{c}" not in text]
    assert not missing, f"docs/model.md does not mention: {missing}"


def test_model_doc_sparql_snippets_run(seed_ingested):
    text = MODEL_DOC.read_text(encoding="utf-8")
    snippets = re.findall(r"```sparql\n(.*?)```", text, flags=re.S)
    assert len(snippets) >= 3
    for snippet in snippets:
        rows = list(seed_ingested.dataset.query(snippet))
        assert rows, f"snippet returned no rows on the examples:\n{snippet}"
