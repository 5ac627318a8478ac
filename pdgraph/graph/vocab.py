"""Namespaces and the controlled vocabularies (concepts) of pdgraph.

Every ``PDG`` term used by the mapping is declared in ``ontology/pdgraph.ttl``
(a test checks this). Concept individuals (system kinds, methods, source
categories) carry their Japanese form label, which is also the value the facts
contract uses.
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

class _Vocabulary(Namespace):
    """An rdflib ``Namespace`` that makes each of its terms once.

    Why: rdflib builds and checks a new ``URIRef`` on every attribute access (``PDG.sourceLine``),
    which was a third of the time of mapping an assessment (10,000 of them: ~50 s of CPU). The
    first access stores the term on the instance, so later ones are plain attribute reads.
    """

    def __getattr__(self, name: str):
        value = super().__getattr__(name)
        if not name.startswith("_"):
            object.__setattr__(self, name, value)
        return value


PDG = _Vocabulary("https://w3id.org/pdgraph/ns#")
ID = _Vocabulary("https://w3id.org/pdgraph/id/")
DPV = _Vocabulary("https://w3id.org/dpv#")
# DCAT 3 (rdflib's own DCAT namespace is DCAT 2, without the version terms).
DCAT = _Vocabulary("http://www.w3.org/ns/dcat#")

PREFIXES = {"pdg": PDG, "pid": ID, "dpv": DPV, "prov": PROV, "dcterms": DCTERMS, "rdf": RDF, "rdfs": RDFS,
            "skos": SKOS, "xsd": XSD}

# The line of one field of a node (an integer, like pdg:sourceLine) -> the property holding the
# field's place in the source file when that is more than the line ("p12:L7" in a PDF), as
# pdg:sourcePlace does for the node.
FIELD_PLACES = {
    PDG.publishedLine: PDG.publishedPlace,
    PDG.holdingStartLine: PDG.holdingStartPlace,
    PDG.acquisitionLine: PDG.acquisitionPlace,
    PDG.entrustmentLine: PDG.entrustmentPlace,
    PDG.provisionTransferLine: PDG.provisionTransferPlace,
    PDG.contractorLine: PDG.contractorPlace,
    PDG.reentrustmentLine: PDG.reentrustmentPlace,
    PDG.permissionLine: PDG.permissionPlace,
    PDG.storagePlaceLine: PDG.storagePlacePlace,
    PDG.retentionLine: PDG.retentionPlace,
    PDG.erasureLine: PDG.erasurePlace,
}

# Canonical system kind label -> concept (contract: "Canonical system kinds").
SYSTEM_KIND = {
    "中間サーバー": PDG.IntermediateServer,
    "宛名システム等": PDG.AddressSystem,
    "情報提供ネットワークシステム": PDG.InformationProvisionNetworkSystem,
    "住民基本台帳ネットワークシステム": PDG.ResidentRegistryNetworkSystem,
    "既存住民基本台帳システム": PDG.ResidentRegistrySystem,
    "税務システム": PDG.TaxSystem,
    "庁内連携システム": PDG.InternalLinkageSystem,
    "番号管理システム": PDG.NumberManagementSystem,
    "業務システム": PDG.BusinessSystem,
}

# ⑥提供方法 / 移転方法 / ②入手方法 option label -> concept.
METHOD = {
    "紙": PDG.Paper,
    "電子記録媒体(フラッシュメモリを除く。)": PDG.ElectronicMedia,
    "フラッシュメモリ": PDG.FlashMemory,
    "電子メール": PDG.Email,
    "専用線": PDG.DedicatedLine,
    "庁内連携システム": PDG.InternalLinkage,
    "情報提供ネットワークシステム": PDG.InformationProvisionNetwork,
    "その他": PDG.OtherMethod,
}

# ①入手元 category label -> concept.
SOURCE_CATEGORY = {
    "本人又は本人の代理人": PDG.DataSubjectOrAgent,
    "評価実施機関内の他部署": PDG.OtherDepartment,
    "行政機関・独立行政法人等": PDG.NationalAgency,
    "地方公共団体・地方独立行政法人": PDG.LocalGovernment,
    "民間事業者": PDG.PrivateBusiness,
    "その他": PDG.OtherSource,
}

# Flow direction label -> class.
DIRECTION = {
    "入手": PDG.Acquisition,
    "提供": PDG.Provision,
    "移転": PDG.Transfer,
    "委託": PDG.Entrustment,
    "再委託": PDG.Reentrustment,
}

# Well-known statutes: canonical name -> e-Gov law ID.
EGOV_LAW_ID = {
    "番号法": "425AC0000000027",
    "住民基本台帳法": "342AC0000000081",
    "高齢者の医療の確保に関する法律": "357AC0000000080",
    "健康保険法": "211AC0000000070",
    "介護保険法": "409AC0000000123",
    "予防接種法": "323AC0000000068",
    "国民年金法": "334AC0000000141",
}
