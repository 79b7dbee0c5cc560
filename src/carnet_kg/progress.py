"""Progress for long operations: a bar on a terminal, periodic plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts steps of one stage; ``advance`` is cheap, output is throttled."""

    def __init__(self, label: str, total: int, out: TextIO | None = None, every: float = 2.0):
        self.label, self.total, self.count = label, total, 0
        self.out = out or sys.stderr
        self.every = every
        self.tty = self.out.isatty()
        self._last = 0.0
        self._shown = -1

    def advance(self, steps: int = 1) -> None:
        self.count += steps
        now = time.monotonic()
        if now - self._last >= (0.1 if self.tty else self.every):
            self._last = now
            self._show()

    def _show(self, end: str = "") -> None:
        if not self.tty and self._shown == self.count:
            return
        self._shown = self.count
        if self.tty:
            width = 30
            filled = int(width * self.count / self.total) if self.total else width
            bar = "#" * filled + "." * (width - filled)
            self.out.write(f"\r{self.label} [{bar}] {self.count}/{self.total}{end}")
        else:
            self.out.write(f"{self.label}: {self.count}/{self.total}\n")
        self.out.flush()

    def done(self) -> None:
        self._show(end="\n")


class Silent(Progress):
    """A progress that prints nothing (library use, tests)."""

    def __init__(self, *_args, **_kwargs) -> None:
        super().__init__("", 0)

    def advance(self, steps: int = 1) -> None:
        self.count += steps

    def done(self) -> None:
        pass
