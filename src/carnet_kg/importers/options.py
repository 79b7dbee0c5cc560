"""What every importer is told: the base IRI, the time zone of naive times, the default
licence and language, and how to name a source file in messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from . import dates

CC_BY = "http://creativecommons.org/licenses/by/4.0/"
DEFAULT_TIMEZONE = "America/Montreal"
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class ImportOptions:
    """Settings of one import. Raises ValueError for an unknown zone or a bad language code."""

    base: str
    timezone: str = DEFAULT_TIMEZONE
    license: str = CC_BY
    language: str = "fr"
    tz: ZoneInfo = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tz", dates.zone(self.timezone))
        if not _LANGUAGE.fullmatch(self.language):
            raise ValueError(f"language {self.language!r} is not a language code such as fr")
        if not self.license.startswith(("http://", "https://")):
            raise ValueError(f"licence {self.license!r} is not an http(s) IRI")

    @staticmethod
    def label(path: Path) -> str:
        """How messages and the metadata graph name a source file (relative to the working
        directory when it is inside it), as ``load`` does."""
        try:
            return str(path.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(path)
