"""One Settings object for the whole program, read from defaults, a TOML file and the environment.

Precedence, lowest first: built-in defaults, the TOML file (``$CARNET_KG_CONFIG``, else
``carnet-kg.toml`` in the working directory if present), then ``CARNET_KG_*`` variables.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BASE = "http://localhost:5000/"


NUMBERS = [
    ("query_timeout", float, 0.1),
    ("update_timeout", float, 0.1),
    ("max_rows", int, 1),
    ("max_request_bytes", int, 1024),
    ("query_workers", int, 1),
    ("query_cache_bytes", int, 0),
    ("query_memory_mb", int, 0),
    ("client_query_limit", int, 0),
    ("trusted_proxies", int, 0),
    ("oai_page_size", int, 1),
    ("malloc_arenas", int, 0),
    ("sparql_timeout", float, 1.0),
]


TOKEN_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")


class ConfigError(ValueError):
    """A setting has a value we cannot use; the message names the setting."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable. ``store`` is a folder path, or ``memory`` for a throw-away store."""

    base: str = DEFAULT_BASE
    store: str = "var/store"
    # a remote SPARQL 1.1 engine instead of the embedded store (store/remote.py); ``store`` is
    # then where the side files live (history, withheld registry, indexes)
    sparql_query: str = ""  # query endpoint URL (SPARQL 1.1 Protocol)
    sparql_update: str = ""  # update endpoint URL (SPARQL 1.1 Update)
    sparql_store: str = ""  # Graph Store Protocol URL (optional: reads of one graph)
    sparql_timeout: float = 120.0  # seconds for one of our own requests to the engine
    sample_data: str = str(PROJECT_ROOT / "data")
    ontology: str = str(PROJECT_ROOT / "ontology" / "carnet.ttl")
    shapes: str = str(PROJECT_ROOT / "shapes" / "carnet.shacl.ttl")
    assets: str = str(PROJECT_ROOT / "node_modules")  # browser assets installed by npm
    # SPARQL endpoint
    query_timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 1_000_000
    query_workers: int = (os.cpu_count() or 2) + 1
    query_cache_bytes: int = 64_000_000  # results kept until the store changes; 0: no cache
    query_memory_mb: int = 4096  # address space of a query worker; 0: no limit
    client_query_limit: int = 0  # queries one client may run at once; 0: workers - 1
    update_timeout: float = 30.0
    write_token: str = ""  # one token, named "write-token" in the history
    write_tokens: str = ""  # several, named: "alice:TOKEN1,platform:TOKEN2"
    service_allow: str = ""  # comma-separated endpoint IRIs that SERVICE may call
    admin_email: str = "admin@example.org"  # OAI-PMH Identify: who runs this repository
    publisher: str = "carnet-kg"  # who publishes the dataset (VoID / DCAT)
    oai_page_size: int = 100  # records per OAI-PMH page (then a resumption token)
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-* headers count
    malloc_arenas: int = 2  # glibc malloc arenas of the server (memory.py); 0: glibc default
    media_hosts: str = ""  # hosts whose media pages may embed (comma-separated); else links

    @property
    def embeddable_hosts(self) -> frozenset[str]:
        """Hosts whose images, audio and video pages embed: ours, and those an operator
        allows; media elsewhere are linked, never hot-linked."""
        own = urlsplit(self.base).netloc
        return frozenset({own, *(h.strip() for h in self.media_hosts.split(",") if h.strip())})

    def __post_init__(self) -> None:
        if not self.base.startswith(("http://", "https://")):
            raise ConfigError(f"base: {self.base!r} is not an absolute http(s) IRI")
        if not self.base.endswith("/"):
            object.__setattr__(self, "base", self.base + "/")
        for name, kind, minimum in NUMBERS:
            value = getattr(self, name)
            try:
                value = kind(value)
            except (TypeError, ValueError) as error:
                raise ConfigError(f"{name}: {value!r} is not a number") from error
            if value < minimum:
                raise ConfigError(f"{name}: {value} is below the minimum {minimum}")
            object.__setattr__(self, name, value)
        self._check_engine()
        _ = self.tokens  # a malformed token list is an error at start, not at first write

    def _check_engine(self) -> None:
        for name in ("sparql_query", "sparql_update", "sparql_store"):
            value = getattr(self, name)
            if value and not value.startswith(("http://", "https://")):
                raise ConfigError(f"{name}: {value!r} is not an http(s) URL")
        if bool(self.sparql_query) != bool(self.sparql_update):
            raise ConfigError("sparql_query and sparql_update go together: a remote store needs "
                              "its query and its update endpoint")
        if self.sparql_store and not self.sparql_query:
            raise ConfigError("sparql_store needs sparql_query and sparql_update too")

    @property
    def remote(self) -> bool:
        """Whether the data lives in a remote SPARQL engine."""
        return bool(self.sparql_query)

    @property
    def queries_per_client(self) -> int:
        return self.client_query_limit or max(1, self.query_workers - 1)

    @property
    def tokens(self) -> dict[str, str]:
        """Write tokens by name (the name attributes changes in the history)."""
        found = {"write-token": self.write_token} if self.write_token else {}
        entries = [e.strip() for e in self.write_tokens.split(",") if e.strip()]
        for number, entry in enumerate(entries, start=1):
            name, colon, token = (part.strip() for part in entry.partition(":"))
            if not colon or not TOKEN_NAME.fullmatch(name) or not token:
                # never echo the entry: it may be a token
                raise ConfigError(f"write_tokens: entry {number} is not name:token (a name of "
                                  "letters, digits, '.', '_' or '-', then a token)")
            found[name] = token
        return found

    @property
    def allowed_services(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.service_allow.split(",") if part.strip())

    @property
    def in_memory(self) -> bool:
        return self.store == "memory"

    def with_(self, **changes: str) -> Settings:
        """A copy with some settings changed (used by CLI options and tests)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _from_toml(path: Path) -> dict[str, str]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ConfigError(f"config file {path}: {error.strerror}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path}: {error}") from error
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    return {
        key: ",".join(map(str, value)) if isinstance(value, list) else str(value)
        for key, value in data.items()
    }


def _from_env(environ: dict[str, str]) -> dict[str, str]:
    values = {}
    for field in fields(Settings):
        name = f"CARNET_KG_{field.name.upper()}"
        if environ.get(name):
            values[field.name] = environ[name]
    return values


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings: defaults, then the TOML file, then the environment."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, str] = {}
    config_path = environ.get("CARNET_KG_CONFIG")
    if config_path:
        values.update(_from_toml(Path(config_path)))
    elif Path("carnet-kg.toml").is_file():
        values.update(_from_toml(Path("carnet-kg.toml")))
    values.update(_from_env(environ))
    return Settings(**values)
