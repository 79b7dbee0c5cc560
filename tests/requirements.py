"""Test prerequisites: skip with the reason when a tool is missing, but never skip in CI."""

from __future__ import annotations

import os
import shutil

import pytest


def require_program(name: str, how: str) -> str:
    """The path of ``name``; skips (locally) or fails (CI=true) when it is not installed."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed ({how})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must run this test, .ci/run installs it")
    pytest.skip(message)
