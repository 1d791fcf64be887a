"""`LLMSettings` validation and where the settings come from: flags > environment > config file."""

from __future__ import annotations

import pytest

from assistant.llm.settings import ENV, LLMSettings, default_config_file, resolve_llm
from index.errors import ConfigError

URL = "http://127.0.0.1:11434/v1"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for var in ENV.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "absent.toml"))  # never the user's own file


def test_defaults_and_normalisation():
    s = LLMSettings(base_url=URL + "/", model=" llama3.2 ")
    assert s.base_url == URL and s.model == "llama3.2" and s.on_unsupported == "mark" and s.api_key() is None
    assert s.describe() == f"llama3.2 at {URL}"


@pytest.mark.parametrize("field, value", [
    ("base_url", "127.0.0.1:11434"), ("base_url", "ftp://x/v1"), ("base_url", ""), ("model", " "),
    ("timeout", 0), ("timeout", "30"), ("timeout", True), ("on_unsupported", "hide"), ("max_passages", 0),
    ("max_passages", 2.5), ("temperature", 3), ("max_tokens", 5), ("min_support", 1.5),
    ("rewrite_followups", "yes"), ("api_key_env", "A=B"),
])
def test_bad_values_name_the_field(field, value):
    kw = {"base_url": URL, "model": "m", field: value}
    with pytest.raises(ConfigError, match=field):
        LLMSettings(**kw)


def test_api_key_env_must_be_set_and_the_key_stays_out_of_repr(monkeypatch):
    with pytest.raises(ConfigError, match="MY_KEY.*not set"):
        LLMSettings(base_url=URL, model="m", api_key_env="MY_KEY")
    monkeypatch.setenv("MY_KEY", "sk-very-secret")
    s = LLMSettings(base_url=URL, model="m", api_key_env="MY_KEY")
    assert s.api_key() == "sk-very-secret"
    assert "sk-very-secret" not in repr(s) and "sk-very-secret" not in s.describe()


def test_nothing_configured_means_no_llm():
    assert resolve_llm() is None


def test_flags_over_environment_over_config_file(monkeypatch, tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[llm]\nbase_url = "http://file:1/v1"\nmodel = "file-model"\ntimeout = 12\n'
                   'on_unsupported = "drop"\n', encoding="utf-8")
    s = resolve_llm(config_file=cfg)
    assert (s.base_url, s.model, s.timeout, s.on_unsupported) == ("http://file:1/v1", "file-model", 12, "drop")
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "env-model")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "7.5")
    s = resolve_llm(config_file=cfg)
    assert (s.base_url, s.model, s.timeout) == ("http://file:1/v1", "env-model", 7.5)
    s = resolve_llm(URL, "flag-model", config_file=cfg, timeout=None, on_unsupported="mark")
    assert (s.base_url, s.model, s.timeout, s.on_unsupported) == (URL, "flag-model", 7.5, "mark")


def test_default_config_file_is_read(monkeypatch, tmp_path):
    cfg = tmp_path / "mine.toml"
    cfg.write_text(f'[llm]\nbase_url = "{URL}"\nmodel = "llama3.2"\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(cfg))
    assert default_config_file() == cfg and resolve_llm().model == "llama3.2"
    monkeypatch.delenv("ASSISTANT_CONFIG")
    assert default_config_file().parts[-2:] == ("news-assistant", "config.toml")


def test_half_a_configuration_is_an_error():
    with pytest.raises(ConfigError, match="llm model is missing.*--llm-model"):
        resolve_llm(URL)
    with pytest.raises(ConfigError, match="llm base_url is missing.*--llm-base-url"):
        resolve_llm(model="m")


@pytest.mark.parametrize("content, match", [
    ("[llm\nmodel = 1", "not valid TOML"),
    ('[llm]\nmodle = "x"', "unknown key 'modle'"),
    ('llm = "x"', r"\[llm\] must be a table"),
    (f'[llm]\nbase_url = "{URL}"\nmodel = "m"\ntimeout = -1', "timeout"),
])
def test_bad_config_file_names_file_and_problem(tmp_path, content, match):
    cfg = tmp_path / "c.toml"
    cfg.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        resolve_llm(config_file=cfg)


def test_missing_explicit_config_file_and_bad_env_timeout(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        resolve_llm(config_file=tmp_path / "nope.toml")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_TIMEOUT"):
        resolve_llm(URL, "m")
