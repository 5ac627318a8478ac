"""The ``query`` and ``analyze`` commands: thin wrappers over `pdgraph.query.catalogue`,
`pdgraph.query.formats`, `pdgraph.graph.stores` and `pdgraph.query.analysis` (exit 0 ok, 2 bad
input or usage)."""
from __future__ import annotations

import json
import sys

import click

from .common import BadInput, progress
from ..errors import PdgraphError
from ..query.catalogue import check_network, find_query, load_catalogue, parse_params, run_query
from ..query.formats import FORMATS, format_solutions, to_table
from ..query.params import QueryParameterError
from ..graph.endpoint import DEFAULT_TIMEOUT, EndpointError, EndpointStore
from ..query.federation import FederatedStore
from ..graph.stores import OxigraphStore, RdflibStore, Solutions, StoreError, StoreSpec, load_sources, open_store

STORE_HELP = "rdflib (in memory, default), oxigraph (in memory) or oxigraph:PATH (a persistent directory)."
ENDPOINT_HELP = ("Query this SPARQL endpoint (SPARQL 1.1 Protocol, e.g. http://127.0.0.1:7878/query from "
                 "pdgraph serve; Virtuoso, Fuseki, GraphDB …) instead of SOURCES or --store. Repeat it for a corpus "
                 "split over several endpoints: the first federates the others with SERVICE.")
TIMEOUT_HELP = "Seconds to wait for the endpoint's answer."


def endpoint_options(command):
    """``--endpoint URL`` and ``--timeout SECONDS`` (query and analyze)."""
    command = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT,
                           show_default=True, help=TIMEOUT_HELP)(command)
    return click.option("--endpoint", "endpoints", metavar="URL", multiple=True, help=ENDPOINT_HELP)(command)


def _open(store_text: str, sources: tuple[str, ...], endpoints: tuple[tuple[str, ...], float] | None = None
          ) -> tuple[RdflibStore | OxigraphStore | EndpointStore | FederatedStore, int]:
    """Open the store and load the sources (or reach the SPARQL endpoints: no loading, no request
    yet); returns the store and the number of bad sources."""
    if endpoints is not None and endpoints[0]:
        urls, timeout = endpoints
        if sources or store_text != "rdflib":
            raise click.UsageError("--endpoint queries a SPARQL server: give no SOURCES and no --store with it")
        try:
            stores = [EndpointStore(url, timeout) for url in urls]
        except EndpointError as error:
            raise BadInput(str(error)) from None
        return (stores[0] if len(stores) == 1 else FederatedStore(stores)), 0
    try:
        spec = StoreSpec.parse(store_text)
    except StoreError as error:
        raise click.BadParameter(str(error), param_hint="--store") from None
    if not sources and spec.path is None:
        raise click.UsageError("give SOURCES (documents or RDF files), or --store oxigraph:PATH holding a loaded store")
    try:
        store = open_store(spec)
        result = load_sources(store, sources, progress=progress(len(sources)))
    except PdgraphError as error:
        raise BadInput(str(error)) from None
    for problem in result.problems:
        click.echo(f"error: {problem.message}", err=True)
    if not store.graph_count():
        raise BadInput("no graphs to query: no source could be loaded" if sources
                       else f"the store {spec.path} is empty")
    return store, len(result.problems)


@click.command("query")
@click.argument("name", required=False, metavar="NAME|FILE.rq")
@click.argument("sources", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table for people; csv / tsv / json (SPARQL 1.1 Query Results formats).")
@click.option("--store", "store_text", default="rdflib", show_default=True, help=STORE_HELP)
@endpoint_options
@click.option("--list", "list_queries", is_flag=True, help="Print the catalogue's query names, one per line.")
@click.option("--help-query", is_flag=True, help="Show the query's header: title, questions, parameters.")
@click.option("--allow-network", is_flag=True,
              help="Let the query's SERVICE clauses fetch from the endpoints they name (refused otherwise).")
def query(name: str | None, sources: tuple[str, ...], params: tuple[str, ...], fmt: str, store_text: str,
          endpoints: tuple[str, ...], timeout: float, list_queries: bool, help_query: bool,
          allow_network: bool) -> None:
    """Run a catalogue query (or a FILE.rq) over documents or RDF files, a store, or a SPARQL endpoint.

    Parameters are bound as RDF terms, never pasted into the query text.
    Example: pdgraph query recipients-of examples/*.txt --param organization=松戸市長
    """
    try:
        if list_queries:
            for query_name in load_catalogue():
                click.echo(query_name)
            return
        if not name:
            raise click.UsageError("give a query NAME or FILE.rq (pdgraph query --list shows the names)")
        named = find_query(name)
        if help_query:
            click.echo(named.header)
            return
        values = parse_params(params)
        named.bind(values)  # bad parameters are usage errors before any loading
    except QueryParameterError as error:
        raise click.UsageError(str(error)) from None
    except PdgraphError as error:
        raise click.UsageError(str(error)) from None
    if len(endpoints) > 1 and named.federation:
        click.echo(f"warning: query {named.name}: {named.federation}", err=True)
    text, problems = _answer(named, values, fmt, store_text, sources, (endpoints, timeout),
                             allow_network or bool(endpoints))  # --endpoint is asking for the network
    click.echo(text, nl=False)
    sys.exit(2 if problems else 0)


def _answer(named, values: dict[str, str], fmt: str, store_text: str, sources: tuple[str, ...],
            endpoints: tuple[tuple[str, ...], float] | None = None,
            allow_network: bool = False) -> tuple[str, int]:
    """Load, run and format in one frame, so an on-disk store is closed before the command exits."""
    try:
        check_network(named, allow_network)  # before any loading
    except PdgraphError as error:
        raise BadInput(str(error)) from None
    store, problems = _open(store_text, sources, endpoints)
    try:
        solutions: Solutions = run_query(named, store, values, allow_network=allow_network)
    except PdgraphError as error:
        raise BadInput(str(error)) from None
    return format_solutions(solutions, fmt), problems


def _analysis_tables(result) -> str:
    from ..graph.stores import Solutions as Table
    from rdflib import Literal

    def table(title: str, rows: list, columns: list[str]) -> str:
        data = Table(columns, [tuple(Literal(getattr(r, c)) for c in columns) for r in rows])
        return f"== {title}\n" + to_table(data)

    parts = [f"{result.nodes} nodes, {result.edges} edges"
             + (f" (betweenness sampled on {result.betweenness_sample} sources)" if result.betweenness_sample else ""),
             table("hubs (degree, betweenness)", result.hubs,
                   ["label", "kind", "degree", "in_degree", "out_degree", "betweenness"]),
             table("vendor concentration (contractors)", result.vendors,
                   ["label", "assessments", "bodies", "files", "entrustments", "subcontracting"])]
    for reach in result.reach:
        title = f"reach from {reach.start}" + ("" if reach.found else " (no such assessing body)")
        parts.append(table(title, reach.reached, ["hops", "kind", "label"]))
    return "\n".join(parts)


@click.command("analyze")
@click.argument("sources", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--from", "starts", multiple=True, metavar="ORGANIZATION",
              help="Report reachability from this assessing body (repeatable), e.g. 練馬区長.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="Rows of hubs and vendors.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--store", "store_text", default="rdflib", show_default=True, help=STORE_HELP)
@endpoint_options
def analyze(sources: tuple[str, ...], starts: tuple[str, ...], top: int, fmt: str, store_text: str,
            endpoints: tuple[str, ...], timeout: float) -> None:
    """Network analysis (networkx): hubs, vendor concentration, reachability from a body."""
    from ..query.analysis import analyse

    def report() -> tuple[str, int]:  # one frame: an on-disk store is closed before exit
        store, problems = _open(store_text, sources, (endpoints, timeout))
        try:
            result = analyse(store, starts, top)
        except PdgraphError as error:  # an endpoint that fails
            raise BadInput(str(error)) from None
        if fmt == "json":
            return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", problems
        return _analysis_tables(result), problems

    text, problems = report()
    click.echo(text, nl=False)
    sys.exit(2 if problems else 0)
