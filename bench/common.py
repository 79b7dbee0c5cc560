"""What the Scale benchmarks share: ports, servers, keep-alive clients, percentiles, memory of a
process tree, stores prepared once per data folder, tables, and a description of the machine.

Not a benchmark itself. The scripts import it as ``common`` (they put ``bench/`` on sys.path):

- ``workspace()``: a temporary folder removed at the end, also on Ctrl-C or SIGTERM;
- ``Server`` and ``start_carnet`` / ``start_oxigraph`` / ``start_rdflib_endpoint``: servers as
  subprocesses in sessions of their own (stopped by process group, so query workers go too);
- ``Client`` and ``drive``: keep-alive HTTP clients sending a request mix from N threads;
- ``PeakMemory`` and ``run_measured``: RSS of a process and its children, polled with psutil;
- ``prepared_store`` / ``exported``: ``carnet-kg load`` of a data folder and the export of what
  the store publishes, cached per data folder (loading 100 000 notes takes minutes);
- ``table``: a padded Markdown table; ``machine``: CPU, RAM, OS and package versions.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
CARNET = [PYTHON, "-m", "carnet_kg.cli"]
DEFAULT_BASE = "http://localhost:5000/"
CACHE = Path(tempfile.gettempdir()) / "carnet-bench-cache"
RDF_SUFFIXES = {".ttl", ".turtle", ".trig", ".nt", ".nq", ".jsonld", ".json", ".rdf", ".owl",
                ".xml", ".n3"}
MAPPING_SUFFIX = ".sssom.tsv"
MB = 1024 * 1024

CKG = "https://w3id.org/carnet-kg/ontology#"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# --- clean-up ---------------------------------------------------------------------------------

def _terminate(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def parse_args(parser: argparse.ArgumentParser) -> argparse.Namespace:
    """The options every benchmark over a loaded store shares, then the arguments; servers are
    stopped on SIGTERM / SIGINT from here on."""
    parser.add_argument("--no-cache", action="store_true",
                        help="load the data now rather than reuse the benchmarks' cache")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    install_signal_handlers()
    return args


def install_signal_handlers() -> None:
    """SIGTERM (and SIGHUP) unwind like Ctrl-C does, so every ``finally`` stops its servers."""
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)


@contextlib.contextmanager
def workspace(prefix: str, keep: bool = False):
    """A temporary folder, removed afterwards whatever happens (unless ``keep``)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        if keep:
            print(f"(kept {folder})", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_command() -> str:
    found = Path(PYTHON).parent / "oxigraph"
    return str(found) if found.exists() else (shutil.which("oxigraph") or "oxigraph")


# --- servers ----------------------------------------------------------------------------------

class Server:
    """A server subprocess in a session of its own; ``stop()`` ends its whole process group
    (our server's query workers with it). Its output goes to ``log``."""

    def __init__(self, name: str, command: list[str], port: int, log: Path,
                 env: dict[str, str] | None = None, cwd: Path | None = None,
                 ready_path: str = "/") -> None:
        self.name, self.command, self.port, self.log = name, command, port, log
        self.env, self.cwd, self.ready_path = env, cwd, ready_path
        self.process: subprocess.Popen | None = None
        self.started_in = 0.0  # seconds until it answered

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 600) -> Server:
        start = time.perf_counter()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd,
                                            stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self.wait_ready(timeout)
        self.started_in = time.perf_counter() - start
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; "
                                   f"its log:\n{self.tail()}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", self.ready_path)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s; its log:\n"
                           f"{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def rss(self) -> int:
        """Resident memory of the server and its children (bytes)."""
        return tree_rss(self.pid)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the group we created for it
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def carnet_env(store: Path, base: str, **settings: str | int) -> dict[str, str]:
    """The environment of a carnet-kg process on ``store``; ``settings`` are CARNET_KG_* names
    in lower case (``query_cache_bytes=0``). No TOML file is read (see ``cwd`` below)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARNET_KG_")}
    env.update({"CARNET_KG_STORE": str(store), "CARNET_KG_BASE": base})
    env.update({f"CARNET_KG_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def start_carnet(store: Path, base: str, work: Path, name: str = "carnet-kg",
                 threads: int = 8, **settings: str | int) -> Server:
    """``carnet-kg serve`` on ``store``, run from ``work`` (so no carnet-kg.toml is read).

    One client address may run ``client_query_limit`` queries at once (default: workers − 1);
    the benchmarks' clients all come from 127.0.0.1 and stand for different people, so it is
    raised to 64 unless given.
    """
    settings.setdefault("client_query_limit", 64)
    port = free_port()
    command = [*CARNET, "serve", "--port", str(port), "--threads", str(threads)]
    return Server(name, command, port, work / f"{_slug(name)}.log",
                  env=carnet_env(store, base, **settings), cwd=work,
                  ready_path="/health").start()


def start_oxigraph(location: Path, work: Path, name: str = "oxigraph serve") -> Server:
    """``oxigraph serve --union-default-graph`` on an Oxigraph folder (read-write)."""
    port = free_port()
    command = [oxigraph_command(), "serve", "--location", str(location), "--bind",
               f"127.0.0.1:{port}", "--union-default-graph"]
    return Server(name, command, port, work / f"{_slug(name)}.log", cwd=work,
                  ready_path="/query?query=ASK%7B%7D").start()


def start_rdflib_endpoint(nquads: Path, work: Path, timeout: float = 7200) -> Server:
    """rdflib-endpoint (FastAPI under uvicorn) over an rdflib Dataset parsed from ``nquads``,
    its default graph the union of the graphs (as on the two other servers)."""
    port = free_port()
    command = [PYTHON, str(BENCH / "rdflib_endpoint_serve.py"), str(nquads), "--port",
               str(port)]
    return Server("rdflib-endpoint", command, port, work / "rdflib-endpoint.log", cwd=work,
                  ready_path="/sparql?query=ASK%7B%7D").start(timeout)


def oxigraph_load(location: Path, files: list[Path], log: Path) -> float:
    """``oxigraph load`` of ``files`` into ``location``; returns the wall time."""
    start = time.perf_counter()
    with log.open("ab") as out:
        for file in files:
            subprocess.run([oxigraph_command(), "load", "--location", str(location), "--file",
                            str(file)], check=True, stdout=out, stderr=subprocess.STDOUT)
    return time.perf_counter() - start


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- HTTP clients -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    """One request of a mix; ``label`` groups results (a query's name, a page kind)."""

    label: str
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


class Client:
    """One keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, address: str, timeout: float = 120) -> None:
        self.host, port = address.rsplit(":", 1)
        self.port, self.timeout = int(port), timeout
        self.connection: http.client.HTTPConnection | None = None

    def send(self, request: Request) -> tuple[int, bytes, dict[str, str]]:
        """Status, body and headers (lower-case names). Raises TimeoutError when the server
        has not answered within ``timeout`` (the connection is closed then)."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port,
                                                             timeout=self.timeout)
            try:
                self.connection.request(request.method, request.path, request.body,
                                        dict(request.headers))
                response = self.connection.getresponse()
                body = response.read()
                headers = {k.lower(): v for k, v in response.getheaders()}
                if response.will_close:
                    self.close()
                return response.status, body, headers
            except TimeoutError:
                self.close()
                raise
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Run:
    """What ``drive`` measured: latencies (seconds) of the requests that answered 2xx/3xx,
    per label too, and the statuses of the others."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    by_label: dict[str, list[float]] = field(default_factory=dict)
    failures: Counter = field(default_factory=Counter)  # (label, status) -> count
    sent: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def p50(self) -> float:
        return percentile(self.latencies, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies, 99)

    def failure_text(self) -> str:
        return ", ".join(f"{label}: {status} ×{n}" for (label, status), n
                         in sorted(self.failures.items(), key=lambda item: str(item[0])))


def drive(address: str, requests: list[Request], clients: int, seconds: float,
          seed: int = 1, timeout: float = 120) -> Run:
    """``clients`` threads, each on its own keep-alive connection, send ``requests`` (each
    thread from its own random starting point, in order) for ``seconds``. A request not
    answered within ``timeout`` counts as a failure ("timeout"), not in the latencies."""
    if not requests:
        raise ValueError("no requests to send")
    run = Run(seconds)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    starts = random.Random(seed).sample(range(len(requests)), min(clients, len(requests)))
    starts += [0] * (clients - len(starts))
    errors: list[BaseException] = []

    def client(offset: int) -> None:
        connection = Client(address, timeout)
        mine: list[tuple[str, float]] = []
        failed: Counter = Counter()
        index = offset
        try:
            while time.monotonic() < stop:
                request = requests[index % len(requests)]
                index += 1
                began = time.perf_counter()
                try:
                    status, _, _ = connection.send(request)
                except TimeoutError:
                    failed[(request.label, "timeout")] += 1
                    continue
                elapsed = time.perf_counter() - began
                if status < 400:
                    mine.append((request.label, elapsed))
                else:
                    failed[(request.label, status)] += 1
        except BaseException as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)
        finally:
            connection.close()
            with lock:
                for label, elapsed in mine:
                    run.latencies.append(elapsed)
                    run.by_label.setdefault(label, []).append(elapsed)
                run.failures.update(failed)
                run.sent += len(mine) + sum(failed.values())

    began = time.monotonic()
    threads = [threading.Thread(target=client, args=(start,), daemon=True) for start in starts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = max(seconds, time.monotonic() - began)  # the last requests end after stop
    if errors:
        raise RuntimeError(f"a client failed on {address}: {errors[0]!r}") from errors[0]
    return run


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0–100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil
    return ordered[min(len(ordered), int(rank)) - 1]


# --- memory -----------------------------------------------------------------------------------

def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, summed (pages shared
    between them count once per process: an upper bound)."""
    total = 0
    for process in _tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += process.memory_info().rss
    return total


def _high_water(pid: int) -> int:
    """VmHWM (peak RSS) of one process from /proc, 0 where unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class PeakMemory:
    """Polls the RSS of a process tree in a thread; ``peak`` is the highest sum seen, or the
    kernel's own peak of one process (VmHWM, read while it lives) if that is higher."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            processes = _tree(self.pid)
            if not processes:
                return
            total = 0
            for process in processes:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    total += process.memory_info().rss
                    self.peak = max(self.peak, _high_water(process.pid))
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Measured:
    returncode: int
    seconds: float
    peak_rss: int
    output: str


def run_measured(command: list[str], env: dict[str, str] | None = None,
                 cwd: Path | None = None, timeout: float | None = None) -> Measured:
    """Run ``command`` to its end: wall time, peak RSS of its process tree, its output
    (stdout and stderr together). Killed (its group) on timeout or interruption."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            with PeakMemory(process.pid) as memory:
                returncode = process.wait(timeout=timeout)
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        seconds = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return Measured(returncode, seconds, memory.peak, text)


# --- data and prepared stores -----------------------------------------------------------------

def data_files(data: Path) -> list[Path]:
    """The files ``carnet-kg load DATA`` reads (RDF and SSSOM mapping sets), sorted."""
    return sorted(p for p in data.rglob("*") if p.is_file() and (
        p.suffix.lower() in RDF_SUFFIXES or p.name.lower().endswith(MAPPING_SUFFIX)))


def detect_base(data: Path) -> str:
    """The base IRI the data is written for: the prefix before ``id/{kind}/`` of the first
    absolute IRI of ours found in the files; relative IRIs (no such prefix) get the BASE of
    bench/generate.py, which writes them so, else the default."""
    pattern = re.compile(rb"<(https?://[^<>\s]*?/)id/(?:note|term|notebook)/[a-z0-9-]+[#>]")
    for file in data_files(data):
        if file.name.lower().endswith(MAPPING_SUFFIX):
            continue
        with file.open("rb") as handle:
            found = pattern.search(handle.read(4 * MB))
        if found:
            return found.group(1).decode()
    try:  # relative IRIs: bench/generate.py writes them for its BASE
        from generate import BASE
    except ImportError:
        return DEFAULT_BASE
    return BASE


def data_signature(data: Path, base: str) -> str:
    """Names, sizes and times of the data's files, and the base: what a cached store is for."""
    digest = hashlib.sha256(base.encode())
    for file in data_files(data):
        stat = file.stat()
        digest.update(f"{file.relative_to(data)}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def store_files(store: Path) -> list[Path]:
    """The store folder and what lives beside it (history, withheld registry, indexes)."""
    return [store, *sorted(store.parent.glob(store.name + ".*"))]


def copy_store(source: Path, target: Path) -> Path:
    """Copy a store with its siblings (``store.history.sqlite`` …) to ``target``."""
    for path in store_files(source):
        destination = target.parent / (target.name + path.name[len(source.name):])
        if path.is_dir():
            shutil.copytree(path, destination)
        else:
            shutil.copy2(path, destination)
    return target


def count_triples(output: str) -> str:
    found = re.search(r"validating \d+ resource\(s\), (\d+) triple\(s\)", output)
    return found.group(1) if found else "?"


def load_store(data: Path, base: str, store: Path, cwd: Path) -> Measured:
    """``carnet-kg load DATA`` into a new store folder, measured. Raises if it fails."""
    measured = run_measured([*CARNET, "load", str(data.resolve())],
                            env=carnet_env(store, base), cwd=cwd)
    if measured.returncode:
        raise RuntimeError(f"carnet-kg load {data} failed:\n{measured.output[-3000:]}")
    return measured


def _cache_entry(data: Path, base: str, cache: Path) -> Path:
    return cache / f"{data.resolve().name}-{data_signature(data, base)}"


def save_prepared(data: Path, base: str, store: Path, cache: Path | None = CACHE) -> None:
    """Keep a freshly loaded store for the other benchmarks (``prepared_store``)."""
    if cache is None:
        return
    entry = _cache_entry(data, base, cache)
    if (entry / "ready").exists():
        return
    for older in cache.glob(f"{data.resolve().name}-*"):  # the same folder, other data
        shutil.rmtree(older, ignore_errors=True)
    entry.mkdir(parents=True)
    copy_store(store, entry / "store")
    (entry / "ready").write_text(json.dumps({"data": str(data.resolve()), "base": base}))


def prepared_store(data: Path, base: str, work: Path, cache: Path | None = CACHE) -> Path:
    """A store in ``work`` holding ``data`` as ``carnet-kg load`` stores it: a copy of the
    cached one, else loaded now (and cached). Returns the store folder."""
    target = work / "store"
    if cache is not None:
        entry = _cache_entry(data, base, cache)
        if (entry / "ready").exists():
            return copy_store(entry / "store", target)
    print(f"loading {data} into a store (carnet-kg load)…", file=sys.stderr, flush=True)
    loaded = load_store(data, base, target, work)
    print(f"  loaded in {loaded.seconds:.1f} s", file=sys.stderr, flush=True)
    save_prepared(data, base, target, cache)
    return target


def exported(store: Path, base: str, work: Path, cache: Path | None = CACHE,
             data: Path | None = None) -> Path:
    """What our SPARQL endpoint sees, as N-Quads: every graph of the store, the metadata graph
    included (the endpoint's default graph is the union of them all), no history (kept outside
    the store, never queried). What the peers are loaded with."""
    if cache is not None and data is not None:
        cached = _cache_entry(data, base, cache) / "export.nq"
        if cached.exists():
            return cached
    target = work / "export.nq"
    subprocess.run([*CARNET, "export", "--include-metadata", "--no-history", "--output",
                    str(target)], env=carnet_env(store, base), cwd=work, check=True,
                   capture_output=True)
    if cache is not None and data is not None:
        entry = _cache_entry(data, base, cache)
        if (entry / "ready").exists():
            shutil.copy2(target, entry / "export.nq.part")
            os.replace(entry / "export.nq.part", entry / "export.nq")
    return target


def sample_resources(store: Path, base: str, count: int, seed: int = 1) -> dict[str, list[str]]:
    """Up to ``count`` IRIs of each kind the store publishes (notes, terms, notebooks,
    communities, lexicons…), drawn at random with ``seed``; the store opened read-only."""
    import pyoxigraph as ox

    handle = ox.Store.read_only(str(store))
    kinds = ("note", "term", "notebook", "community", "lexicon", "category", "person")
    found: dict[str, list[str]] = {}
    rng = random.Random(seed)
    for kind in kinds:
        prefix = f"{base}id/{kind}/"
        iris = sorted({
            row["s"].value for row in handle.query(
                f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s <{RDF_TYPE}> ?c }} "
                f"FILTER(STRSTARTS(STR(?s), \"{prefix}\") && !CONTAINS(STR(?s), \"#\")) }}")
        })
        rng.shuffle(iris)
        found[kind] = iris[:count]
    del handle
    return found


# --- tables and reports -----------------------------------------------------------------------

def table(headers: list[str], rows: list[list], right: set[int] | None = None) -> str:
    """A Markdown table padded for the terminal; ``right``: columns aligned right (default:
    every column but the first)."""
    right = set(range(1, len(headers))) if right is None else right
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.rjust(w) if i in right else v.ljust(w)
                                 for i, (v, w) in enumerate(zip(values, widths, strict=True))
                                 ) + " |"

    rule = "| " + " | ".join(("-" * (w - 1) + ":") if i in right else "-" * w
                             for i, w in enumerate(widths)) + " |"
    return "\n".join([line(headers), rule, *(line(r) for r in cells)])


def ratio(a: float, b: float) -> str:
    if not b or a != a or b != b:
        return "—"
    return f"{a / b:.2f}"


def ms(seconds: float) -> str:
    return "—" if seconds != seconds else f"{seconds * 1000:.1f}"


def mb(size: int | float) -> str:
    value = size / MB
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def write_json(path: str | None, payload: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    """The checkout's commit, and whether src/ differs from it (read-only git commands)."""
    def git(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(ROOT), *arguments], capture_output=True,
                              text=True, check=False)

    try:
        head = git("rev-parse", "--short", "HEAD").stdout.strip()
        changed = git("diff", "--quiet", "HEAD", "--", "src").returncode != 0
        untracked = git("ls-files", "--others", "--exclude-standard", "src").stdout.split()
    except OSError:
        return "unknown"
    if not head:
        return "unknown"
    state = [] if not changed else ["src/ modified"]
    state += [f"{len(untracked)} untracked file(s) in src/"] if untracked else []
    return head + (f" ({', '.join(state)})" if state else "")


def machine() -> dict[str, str]:
    """What ran the benchmark: CPU, RAM, OS, Python and the versions that matter."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        oxigraph = subprocess.run([oxigraph_command(), "--version"], capture_output=True,
                                  text=True, check=False).stdout.strip()
    except OSError:
        oxigraph = "not found"
    info = {
        "CPU": f"{cpu}, {os.cpu_count()} logical CPU(s)",
        "RAM": f"{psutil.virtual_memory().total / 1024 ** 3:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()} ({platform.platform()})",
        "Python": platform.python_version(),
        "oxigraph (server)": oxigraph,
    }
    info["carnet-kg commit"] = _commit()
    for package in ("carnet-kg", "rdflib", "pyoxigraph", "pyshacl", "flask", "waitress",
                    "rdflib-endpoint", "uvicorn", "psutil"):
        info[package] = _version(package)
    return info


def say(*parts: object) -> None:
    """Progress, on standard error (standard output holds the report)."""
    print(*parts, file=sys.stderr, flush=True)


def run(main) -> None:
    """Run a benchmark's ``main``: Ctrl-C ends it quietly (its servers and folders are gone
    by then, stopped by the ``finally`` blocks)."""
    try:
        main()
    except KeyboardInterrupt:
        say("interrupted")
        sys.exit(130)
