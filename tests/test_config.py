"""Settings: defaults, TOML file, environment, and clear errors."""

from __future__ import annotations

import pytest

from carnet_kg.config import ConfigError, load_settings


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
