"""Settings: defaults, TOML file, environment, and clear errors."""

from __future__ import annotations

import platform

import pytest

from carnet_kg.config import ConfigError, Settings, load_settings
from carnet_kg.memory import limit_arenas


def test_defaults():
    settings = load_settings({})
    assert settings.base.endswith("/")
    assert settings.store == "var/store"


def test_environment_overrides_toml(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('base = "https://a.example/kb/"\nstore = "/tmp/x"\n', encoding="utf-8")
    settings = load_settings(
        {"CARNET_KG_CONFIG": str(config), "CARNET_KG_BASE": "https://b.example/kb"}
    )
    assert settings.base == "https://b.example/kb/"  # trailing slash added
    assert settings.store == "/tmp/x"


def test_unknown_setting_in_toml_is_named(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('bsae = "https://a.example/"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting.*bsae"):
        load_settings({"CARNET_KG_CONFIG": str(config)})


def test_bad_base_is_refused():
    with pytest.raises(ConfigError, match="base"):
        load_settings({"CARNET_KG_BASE": "not-an-iri"})


def test_malloc_arenas_setting_caps_glibc_arenas():
    assert load_settings({"CARNET_KG_MALLOC_ARENAS": "4"}).malloc_arenas == 4
    with pytest.raises(ConfigError, match="malloc_arenas"):
        load_settings({"CARNET_KG_MALLOC_ARENAS": "-1"})
    assert limit_arenas(0) is False  # 0 keeps glibc's default: nothing is called
    if platform.libc_ver()[0] == "glibc":
        assert limit_arenas(Settings().malloc_arenas) is True
