"""The SPARQL server (`pdgraph serve`, `pdgraph.graph.server`) and the SPARQL 1.1 Protocol client
(`pdgraph query --endpoint`, `pdgraph.graph.endpoint`): a real Oxigraph server started on a free
loopback port over a store loaded with the examples; every catalogue query answers over HTTP
exactly as embedded."""
from __future__ import annotations

import json
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from pdgraph.cli import main
from pdgraph.graph.endpoint import EndpointError, EndpointStore, parse_results
from pdgraph.graph.server import OxigraphServer, ServerError, free_port, is_store
from pdgraph.graph.stores import OxigraphStore, Solutions
from pdgraph.query.catalogue import load_catalogue, run_query
from rdflib import BNode, Literal, URIRef

from conftest import EXAMPLES, ROOT
from sparql_servers import load_store, odd_server
from test_queries import HOSTILE, SEED_PARAMS

CATALOGUE = load_catalogue()


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def docs() -> list[str]:
    return [str(p) for p in sorted(EXAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, seed_paths):
    return load_store(tmp_path_factory.mktemp("served") / "store", seed_paths)


@pytest.fixture(scope="module")
def server(store_dir):
    """A read-only Oxigraph server over the examples, on a free port, for the whole module."""
    with OxigraphServer(store_dir) as running:
        yield running


# --------------------------------------------------------------------------- the same answers

@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_catalogue_query_gives_the_same_rows_over_http(server, seed_oxigraph, name):
    params = SEED_PARAMS.get(name, {})
    remote = run_query(CATALOGUE[name], EndpointStore(server.query_url), params)
    local = run_query(CATALOGUE[name], seed_oxigraph, params)
    assert remote.variables == local.variables
    assert remote.rows == local.rows
    if name in ("flows", "recipients-of", "stats", "linkage-rows"):
        assert remote.rows, name  # a comparison of answers, not of two empty lists


def test_a_hostile_parameter_is_inert_over_http(server):
    endpoint = EndpointStore(server.query_url)
    for name, param in (("recipients-of", "organization"), ("large-files", "band"),
                        ("systems-connected-to", "kind")):
        assert run_query(CATALOGUE[name], endpoint, {param: HOSTILE}).rows == []


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "sparql-csv", "sparql-tsv"])
def test_cli_output_over_the_endpoint_is_byte_identical(server, docs, fmt):
    for name, params in (("recipients-of", ["-p", "organization=練馬区長"]), ("stats", []), ("channels", [])):
        remote = invoke("query", name, "--endpoint", server.query_url, "-f", fmt, *params)
        local = invoke("query", name, *docs, "--store", "oxigraph", "-f", fmt, *params)
        assert remote.exit_code == 0, remote.output
        assert remote.stdout == local.stdout


def test_analyze_over_the_endpoint(server, docs):
    remote = invoke("analyze", "--endpoint", server.query_url, "--from", "練馬区長", "-f", "json")
    local = invoke("analyze", *docs, "--store", "oxigraph", "--from", "練馬区長", "-f", "json")
    assert remote.exit_code == 0, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    assert json.loads(remote.stdout)["reach"][0]["found"]


def test_the_endpoint_counts_its_graphs(server):
    assert EndpointStore(server.query_url).graph_count() == 4


# --------------------------------------------------------------------------- read-only unless asked

def test_a_read_only_server_refuses_updates(server):
    update = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> \"o\" } }"
    with pytest.raises(EndpointError, match=r"HTTP 403.*read-only"):
        EndpointStore(server.update_url).update(update)
    request = urllib.request.Request(f"{server.url}/store?graph=urn:x:g", data=b"<urn:x:s> <urn:x:p> <urn:x:o> .",
                                     method="PUT", headers={"Content-Type": "application/n-triples"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    assert EndpointStore(server.query_url).graph_count() == 4


def test_a_writable_server_starts_a_new_store_and_takes_updates(tmp_path):
    directory = tmp_path / "new-store"
    with OxigraphServer(directory, writable=True) as running:
        EndpointStore(running.update_url).update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> \"o\"@ja } }")
        answer = EndpointStore(running.query_url).select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert answer.rows == [(Literal("o", lang="ja"),)]
    assert is_store(directory)
    assert OxigraphStore(directory).graph_count() == 1  # the server wrote a store pyoxigraph reads


def test_the_binary_opens_a_store_written_by_pyoxigraph_of_the_pinned_version(server):
    import pyoxigraph

    assert server.version == pyoxigraph.__version__


# --------------------------------------------------------------------------- endpoint errors

def _fails(args, message: str):
    result = invoke("query", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    return result


def test_nothing_listening_is_an_error_naming_the_url():
    url = f"http://127.0.0.1:{free_port()}/query"
    _fails(["stats", "--endpoint", url], f"error: {url}: cannot connect")


def test_http_errors_are_reported_with_the_server_message(server, tmp_path):
    _fails(["stats", "--endpoint", f"{server.url}/nowhere"], f"error: {server.url}/nowhere: HTTP 404")
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: bad\n# ja: 壊れた問い\n# en: broken\nSELECT ?x WHERE { ?x }\n", encoding="utf-8")
    _fails([str(bad), "--endpoint", server.query_url], f"error: {server.query_url}: HTTP 400 Bad Request: ")


@pytest.mark.parametrize("behaviour,message", [
    ("html", "not a SPARQL results answer (Content-Type text/html)"),
    ("truncated", "not a SPARQL JSON results answer ("),
    ("not-results", "not a SPARQL JSON results answer: no 'head' object"),
])
def test_answers_that_are_not_sparql_results_are_errors(behaviour, message):
    with odd_server(behaviour) as url:
        _fails(["stats", "--endpoint", url], f"error: {url}: {message}")


def test_a_slow_endpoint_times_out():
    with odd_server("slow") as url:
        _fails(["stats", "--endpoint", url, "--timeout", "0.5"], f"error: {url}: no answer within 0.5 s")


def test_endpoint_usage_errors(docs):
    _fails(["stats", "--endpoint", "ftp://example.org/sparql"], "not an http(s) URL")
    result = invoke("query", "stats", *docs, "--endpoint", "http://127.0.0.1:1/query")
    assert result.exit_code == 2 and "give no SOURCES and no --store" in result.output


def test_no_network_request_without_an_endpoint(docs, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network request was made")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = invoke("query", "stats", *docs)
    assert result.exit_code == 0, result.output


def test_sparql_json_terms_become_the_embedded_stores_terms():
    from rdflib.namespace import XSD  # imported here: pytest's collection probes module names

    answer = parse_results({"head": {"vars": ["a", "b", "c", "d", "e", "f"]}, "results": {"bindings": [
        {"a": {"type": "uri", "value": "urn:x"}, "b": {"type": "bnode", "value": "b0"},
         "c": {"type": "literal", "value": "名", "xml:lang": "ja"},
         "d": {"type": "literal", "value": "s", "datatype": str(XSD.string)},
         "e": {"type": "typed-literal", "value": "2", "datatype": str(XSD.integer)}}]}})
    assert answer == Solutions(["a", "b", "c", "d", "e", "f"], [
        (URIRef("urn:x"), BNode("b0"), Literal("名", lang="ja"), Literal("s"), Literal(2), None)])
    for bad in ({"boolean": True, "head": {}}, {"head": {"vars": "a"}, "results": {"bindings": []}},
                {"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"value": "x"}}]}},
                {"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "triple", "value": "x"}}]}}):
        with pytest.raises(ValueError):
            parse_results(bad)


# --------------------------------------------------------------------------- pdgraph serve

@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_its_endpoint_and_stops_cleanly(store_dir, stop):
    process = subprocess.Popen([sys.executable, "-m", "pdgraph", "serve", str(store_dir)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/query"), process.stderr.read()
        assert run_query(CATALOGUE["stats"], EndpointStore(url), {}).records()[0]["assessments"] == Literal(4)
        process.send_signal(stop)
        assert process.wait(timeout=20) == 0
        assert "stopping the server" in process.stderr.read()
        with pytest.raises(EndpointError, match="cannot connect"):  # the server process is gone too
            EndpointStore(url, timeout=5).select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_killed_serve_leaves_no_server_behind(store_dir):
    process = subprocess.Popen([sys.executable, "-m", "pdgraph", "serve", str(store_dir)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = process.stdout.readline().strip()
    assert EndpointStore(url).graph_count() == 4
    process.kill()  # no chance to stop the server itself
    process.wait(timeout=10)
    for _ in range(100):
        try:
            EndpointStore(url, timeout=2).graph_count()
        except EndpointError as error:
            if "cannot connect" in str(error):
                return
            # a server being killed may still accept and then reset the connection: poll again
        time.sleep(0.1)
    raise AssertionError(f"the server at {url} still answers after pdgraph serve was killed")


def test_serve_refuses_what_is_not_a_store(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    text = tmp_path / "file.txt"
    text.write_text("x")
    for path, message in ((empty, "not an Oxigraph store"), (text, "not a directory"),
                          (tmp_path / "missing", "no such directory")):
        result = invoke("serve", str(path))
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: {path}: {message}"), result.stderr


def test_serve_refuses_a_port_in_use(store_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", str(store_dir), "--port", str(port))
    assert result.exit_code == 2
    assert f"error: 127.0.0.1:{port}: the port is in use" in result.stderr


def test_serve_needs_the_binary_of_the_store_format(store_dir, tmp_path):
    result = invoke("serve", str(store_dir), "--binary", str(tmp_path / "oxigraph"))
    assert result.exit_code == 2 and "no oxigraph server binary here" in result.stderr
    other = tmp_path / "old-oxigraph"
    other.write_text("#!/bin/sh\necho 'oxigraph 0.3.22'\n")
    other.chmod(other.stat().st_mode | stat.S_IXUSR)
    result = invoke("serve", str(store_dir), "--binary", str(other))
    assert result.exit_code == 2 and "oxigraph 0.3.22 does not match pyoxigraph" in result.stderr


def test_a_missing_binary_is_a_clear_error(monkeypatch, store_dir, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServerError, match="the oxigraph server binary is missing"):
        OxigraphServer(store_dir).start()


def test_a_stopped_server_leaves_no_process(store_dir):
    running = OxigraphServer(store_dir).start()
    process = running.process
    running.stop()
    assert process.poll() is not None and not running.running()
    running.stop()  # stopping twice does nothing
