"""The ``query`` and ``analyze`` commands: thin wrappers over `pdgraph.query.catalogue`,
`pdgraph.query.formats`, `pdgraph.graph.stores` and `pdgraph.query.analysis` (exit 0 ok, 2 bad
input or usage)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .common import BadInput, ProgressBar, jobs_option, progress, quiet_option, sources_or_exit
from ..errors import PdgraphError
from ..query.catalogue import check_network, find_query, load_catalogue, parse_params, run_query
from ..query.formats import FORMATS, format_solutions, to_table
from ..outputs.tables import TABLE_FORMATS, analysis_tables, format_for, render_tables, table_from_solutions
from ..query.params import QueryParameterError
from ..graph.endpoint import DEFAULT_TIMEOUT, EndpointError, EndpointStore
from ..query.federation import FederatedStore
from ..graph.stores import OxigraphStore, RdflibStore, Solutions, StoreError, StoreSpec, load_sources, open_store
from ..graph.stream import build_corpus

STORE_HELP = ("rdflib (in memory, default), oxigraph (in memory), or an Oxigraph store directory (DIR or "
              "oxigraph:DIR, made by pdgraph build --store): given no SOURCES, it is only read.")
ENDPOINT_HELP = ("Query this SPARQL endpoint (SPARQL 1.1 Protocol, e.g. http://127.0.0.1:7878/query from "
                 "pdgraph serve; Virtuoso, Fuseki, GraphDB …) instead of SOURCES or --store. Repeat it for a corpus "
                 "split over several endpoints: the first federates the others with SERVICE.")
TIMEOUT_HELP = "Seconds to wait for the endpoint's answer."
QUERY_FORMATS = ("table", *TABLE_FORMATS, *(f for f in FORMATS if f != "table"))
FORMAT_HELP = ("table: aligned text; csv (UTF-8 with BOM, opens in Excel), tsv, xlsx (a workbook; needs -o): tables "
               "for people with 日本語 / English headings; json, sparql-csv, sparql-tsv: SPARQL 1.1 Query Results "
               "formats. Default: the format -o names by its suffix, else table.")
OUTPUT_HELP = "Write to this file instead of standard output (.csv, .tsv, .xlsx choose the format)."


def output_format(fmt: str | None, output: str | None) -> str:
    """The format asked for: ``--format``, else the one ``-o`` names by suffix, else table;
    a workbook needs a file."""
    chosen = fmt or (format_for(output) if output else None) or "table"
    if chosen == "xlsx" and not output:
        raise click.UsageError("--format xlsx writes a workbook: give -o FILE.xlsx")
    return chosen


def emit(data: str | bytes, output: str | None, summary: str) -> None:
    """Write the answer to ``output`` (and a one-line summary on stderr) or to standard output."""
    if output is None:
        click.echo(data, nl=False)
        return
    try:
        Path(output).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as error:
        raise BadInput(f"{output}: cannot write: {error.strerror}") from None
    click.echo(f"{summary} -> {output}", err=True)


def endpoint_options(command):
    """``--endpoint URL`` and ``--timeout SECONDS`` (query and analyze)."""
    command = click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT,
                           show_default=True, help=TIMEOUT_HELP)(command)
    return click.option("--endpoint", "endpoints", metavar="URL", multiple=True, help=ENDPOINT_HELP)(command)


ALL_VERSIONS_HELP = ("Answer on every version of each assessment (the history); by default only the current "
                     "(newest) version of each answers. A SPARQL endpoint always answers on all its graphs.")


def all_versions_option(command):
    return click.option("--all-versions", is_flag=True, help=ALL_VERSIONS_HELP)(command)


def _open(store_text: str, sources: tuple[str, ...], endpoints: tuple[tuple[str, ...], float] | None = None,
          jobs: int | None = None, quiet: bool = False, all_versions: bool = False
          ) -> tuple[RdflibStore | OxigraphStore | EndpointStore | FederatedStore, int]:
    store, problems = _open_store(store_text, sources, endpoints, jobs, quiet)
    if not all_versions and isinstance(store, (RdflibStore, OxigraphStore)):
        store.current_versions_only()
    return store, problems


def _open_store(store_text: str, sources: tuple[str, ...], endpoints: tuple[tuple[str, ...], float] | None = None,
                jobs: int | None = None, quiet: bool = False
                ) -> tuple[RdflibStore | OxigraphStore | EndpointStore | FederatedStore, int]:
    """Open the store and load the sources (or reach the SPARQL endpoints: no loading, no request
    yet); returns the store and the number of bad sources.

    A store directory without SOURCES is opened read-only and queried as it is: nothing is loaded,
    counted or compacted, so start-up does not grow with the corpus.
    """
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
        raise click.UsageError("give SOURCES (documents or RDF files), or --store DIR holding a loaded store")
    unread: list = []
    paths = sources_or_exit(sources, unread) if sources else []
    bar = ProgressBar(quiet)
    problems: list = []
    try:
        if not paths:
            store = open_store(spec, read_only=True)
            if store.is_empty():
                raise BadInput(f"the store {spec.path} is empty")
            return store, 0
        if spec.kind == "oxigraph":
            target = spec.path if spec.path is not None else OxigraphStore()
            problems = build_corpus(paths, store=target, jobs=jobs, progress=bar).problems
            store = target if isinstance(target, OxigraphStore) else OxigraphStore(spec.path, read_only=True)
        else:
            store = open_store(spec)
            problems = load_sources(store, paths, progress=progress(len(paths), quiet)).problems
    except PdgraphError as error:
        raise BadInput(str(error)) from None
    finally:
        bar.end()
    problems = [*unread, *problems]
    for problem in problems:
        click.echo(f"error: {problem.message}", err=True)
    if store.is_empty():
        raise BadInput("no graphs to query: no source could be loaded")
    return store, len(problems)


@click.command("query")
@click.argument("name", required=False, metavar="NAME|FILE.rq")
@click.argument("sources", nargs=-1)
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("-f", "--format", "fmt", type=click.Choice(QUERY_FORMATS), default=None, help=FORMAT_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
@click.option("--store", "store_text", default="rdflib", show_default=True, help=STORE_HELP)
@endpoint_options
@click.option("--list", "list_queries", is_flag=True, help="Print the catalogue's query names, one per line.")
@click.option("--help-query", is_flag=True, help="Show the query's header: title, questions, parameters.")
@click.option("--allow-network", is_flag=True,
              help="Let the query's SERVICE clauses fetch from the endpoints they name (refused otherwise).")
@all_versions_option
@jobs_option
@quiet_option
def query(name: str | None, sources: tuple[str, ...], params: tuple[str, ...], fmt: str | None,
          output: str | None, store_text: str, endpoints: tuple[str, ...], timeout: float, list_queries: bool,
          help_query: bool, allow_network: bool, all_versions: bool, jobs: int | None, quiet: bool) -> None:
    """Run a catalogue query (or a FILE.rq) over documents or RDF files, a store directory, or a SPARQL endpoint.

    Parameters are bound as RDF terms, never pasted into the query text. SOURCES may also be
    directories, quoted glob patterns or @LIST files.
    Example: pdgraph query recipients-of examples/*.txt --param organization=松戸市長;
    on a corpus: pdgraph build docs/ --store corpus.ox, then pdgraph query stats --store corpus.ox
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
        fmt = output_format(fmt, output)
    except QueryParameterError as error:
        raise click.UsageError(str(error)) from None
    except PdgraphError as error:
        raise click.UsageError(str(error)) from None
    if len(endpoints) > 1 and named.federation:
        click.echo(f"warning: query {named.name}: {named.federation}", err=True)
    text, rows, problems = _answer(named, values, fmt, store_text, sources, (endpoints, timeout),
                                   allow_network or bool(endpoints), jobs, quiet,  # --endpoint is asking for the network
                                   all_versions)
    emit(text, output, f"{rows} row{'s' if rows != 1 else ''}")
    sys.exit(2 if problems else 0)


def _answer(named, values: dict[str, str], fmt: str, store_text: str, sources: tuple[str, ...],
            endpoints: tuple[tuple[str, ...], float] | None = None,
            allow_network: bool = False, jobs: int | None = None, quiet: bool = False,
            all_versions: bool = False) -> tuple[str | bytes, int, int]:
    """Load, run and format in one frame, so an on-disk store is closed before the command exits;
    returns the formatted answer, its number of rows and the number of bad sources."""
    try:
        check_network(named, allow_network)  # before any loading
    except PdgraphError as error:
        raise BadInput(str(error)) from None
    store, problems = _open(store_text, sources, endpoints, jobs, quiet, all_versions)
    try:
        solutions: Solutions = run_query(named, store, values, allow_network=allow_network)
    except PdgraphError as error:
        raise BadInput(str(error)) from None
    if fmt in TABLE_FORMATS:
        table = table_from_solutions(solutions, named.name, named.headings())
        return render_tables([table], fmt), len(solutions.rows), problems
    return format_solutions(solutions, fmt), len(solutions.rows), problems


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
@click.argument("sources", nargs=-1)
@click.option("--from", "starts", multiple=True, metavar="ORGANIZATION",
              help="Report reachability from this assessing body (repeatable), e.g. 練馬区長.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="Rows of hubs and vendors.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", *TABLE_FORMATS, "json"]), default=None,
              help="table: aligned text; csv, tsv, xlsx (needs -o): tables for people (hubs, vendors, reach: "
                   "sections of one CSV / TSV, sheets of a workbook); json. Default: -o's suffix, else table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=OUTPUT_HELP)
@click.option("--store", "store_text", default="rdflib", show_default=True, help=STORE_HELP)
@endpoint_options
@all_versions_option
@jobs_option
@quiet_option
def analyze(sources: tuple[str, ...], starts: tuple[str, ...], top: int, fmt: str | None, output: str | None,
            store_text: str, endpoints: tuple[str, ...], timeout: float, all_versions: bool, jobs: int | None,
            quiet: bool) -> None:
    """Network analysis (networkx): hubs, vendor concentration, reachability from a body."""
    from ..query.analysis import analyse

    fmt = output_format(fmt, output)

    def report() -> tuple[str | bytes, int]:  # one frame: an on-disk store is closed before exit
        store, problems = _open(store_text, sources, (endpoints, timeout), jobs, quiet, all_versions)
        try:
            result = analyse(store, starts, top)
        except PdgraphError as error:  # an endpoint that fails
            raise BadInput(str(error)) from None
        if fmt == "json":
            return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", problems
        if fmt in TABLE_FORMATS:
            return render_tables(analysis_tables(result), fmt), problems
        return _analysis_tables(result), problems

    text, problems = report()
    emit(text, output, "analysis")
    sys.exit(2 if problems else 0)
