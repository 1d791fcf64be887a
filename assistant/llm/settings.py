"""Settings of the optional LLM (any server speaking the OpenAI chat-completions protocol:
Ollama, llama.cpp server, vLLM, LM Studio, OpenAI) and where they come from.

    settings = resolve_llm(base_url="http://127.0.0.1:11434/v1", model="llama3.2")
    Assistant(index_dir, llm=settings)       # None (the default): extractive answers only

Each field is resolved on its own: keyword argument (a command-line flag) > environment
(ASSISTANT_LLM_BASE_URL, ASSISTANT_LLM_MODEL, ASSISTANT_LLM_API_KEY_ENV, ASSISTANT_LLM_TIMEOUT)
> config file (the `[llm]` table of `--config FILE`, else $ASSISTANT_CONFIG, else
`news-assistant/config.toml` in the user config directory, e.g. ~/.config/news-assistant/).
The LLM is on only when a base URL and a model are both given.

The API key itself is never a setting: `api_key_env` names the environment variable holding it,
read when a request is sent, so the key stays out of config files, reprs and messages.
Bad values raise `ConfigError` naming the field (and the file, for the config file).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

from index.errors import ConfigError

ON_UNSUPPORTED = ("mark", "drop")
ENV = {"base_url": "ASSISTANT_LLM_BASE_URL", "model": "ASSISTANT_LLM_MODEL",
       "api_key_env": "ASSISTANT_LLM_API_KEY_ENV", "timeout": "ASSISTANT_LLM_TIMEOUT"}


@dataclass(frozen=True)
class LLMSettings:
    base_url: str  # up to and including the version segment: http://127.0.0.1:11434/v1
    model: str
    api_key_env: str | None = None  # name of the environment variable holding the key; None: no key
    timeout: float = 30.0  # seconds to wait for the server: to connect, and between streamed pieces
    on_unsupported: str = "mark"  # a sentence its citations don't support: "mark" it, or "drop" it
    max_passages: int = 6  # passages the model reads (the best of the retrieved ones)
    temperature: float = 0.1  # low: answers should restate the passages, not vary
    max_tokens: int = 350  # bounds the length (and time) of an answer
    min_support: float = 0.5  # verification threshold, see `assistant.llm.verify`
    rewrite_followups: bool = True  # the LLM rewrites follow-up questions into standalone ones

    def __post_init__(self):
        url = self.base_url.strip().rstrip("/") if isinstance(self.base_url, str) else ""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"llm base_url must be an http(s) URL like http://127.0.0.1:11434/v1, "
                              f"got {self.base_url!r}")
        object.__setattr__(self, "base_url", url)
        if not isinstance(self.model, str) or not self.model.strip():
            raise ConfigError("llm model must be a model name the server knows (e.g. llama3.2), got an empty value")
        object.__setattr__(self, "model", self.model.strip())
        if self.api_key_env is not None:
            if not isinstance(self.api_key_env, str) or not self.api_key_env.strip() or "=" in self.api_key_env:
                raise ConfigError(f"llm api_key_env must name an environment variable, got {self.api_key_env!r}")
            if not os.environ.get(self.api_key_env):
                raise ConfigError(f"llm api_key_env names {self.api_key_env}, which is not set in the environment")
        if not _number(self.timeout) or not 0 < self.timeout <= 600:
            raise ConfigError(f"llm timeout must be a number of seconds from 0 to 600, got {self.timeout!r}")
        if self.on_unsupported not in ON_UNSUPPORTED:
            raise ConfigError(f"llm on_unsupported must be one of {', '.join(ON_UNSUPPORTED)}, "
                              f"got {self.on_unsupported!r}")
        if not _integer(self.max_passages) or not 1 <= self.max_passages <= 20:
            raise ConfigError(f"llm max_passages must be an integer from 1 to 20, got {self.max_passages!r}")
        if not _number(self.temperature) or not 0 <= self.temperature <= 2:
            raise ConfigError(f"llm temperature must be a number from 0 to 2, got {self.temperature!r}")
        if not _integer(self.max_tokens) or not 16 <= self.max_tokens <= 4096:
            raise ConfigError(f"llm max_tokens must be an integer from 16 to 4096, got {self.max_tokens!r}")
        if not _number(self.min_support) or not 0 <= self.min_support <= 1:
            raise ConfigError(f"llm min_support must be a number from 0 to 1, got {self.min_support!r}")
        if not isinstance(self.rewrite_followups, bool):
            raise ConfigError(f"llm rewrite_followups must be true or false, got {self.rewrite_followups!r}")

    def api_key(self) -> str | None:
        """The key, read from the environment at the moment it is needed."""
        return os.environ.get(self.api_key_env) if self.api_key_env else None

    def describe(self) -> str:
        """'llama3.2 at http://127.0.0.1:11434/v1' (never the key)."""
        return f"{self.model} at {self.base_url}"


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _integer(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def default_config_file() -> Path:
    """$ASSISTANT_CONFIG, else e.g. ~/.config/news-assistant/config.toml."""
    env = os.environ.get("ASSISTANT_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("news-assistant", appauthor=False)) / "config.toml"


def read_config(path: Path, *, required: bool) -> dict:
    """The `[llm]` table of a TOML file ({} when the file is missing and not `required`)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if required:
            raise ConfigError(f"config file {path} does not exist") from None
        return {}
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read config file {path}: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"config file {path} is not valid TOML: {e}") from None
    table = data.get("llm", {})
    if not isinstance(table, dict):
        raise ConfigError(f"config file {path}: [llm] must be a table")
    known = {f.name for f in fields(LLMSettings)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"config file {path}: unknown key {unknown[0]!r} in [llm] "
                          f"(known: {', '.join(sorted(known))})")
    return table


def resolve_llm(base_url: str | None = None, model: str | None = None, api_key_env: str | None = None,
                *, config_file=None, env=None, **overrides) -> LLMSettings | None:
    """The LLM settings from arguments > environment > config file, or None when no base URL and
    model are configured anywhere (the LLM is off). `overrides` are other `LLMSettings` fields
    given explicitly (None = not given). A base URL without a model, or the reverse, is a
    ConfigError: half a configuration is a mistake, not a wish to stay offline."""
    env = os.environ if env is None else env
    path = Path(config_file).expanduser() if config_file else default_config_file()
    values = dict(read_config(path, required=bool(config_file)))
    for name, var in ENV.items():
        if env.get(var):
            values[name] = _from_env(name, env[var])
    given = {"base_url": base_url, "model": model, "api_key_env": api_key_env, **overrides}
    values.update({k: v for k, v in given.items() if v is not None and v != ""})
    if not values.get("base_url") and not values.get("model"):
        return None
    for name, flag in (("base_url", "--llm-base-url"), ("model", "--llm-model")):
        if not values.get(name):
            raise ConfigError(f"llm {name} is missing: give {flag} (or {ENV[name]}, or {name} in the [llm] "
                              f"table of {path}) together with the other LLM setting")
    try:
        return LLMSettings(**values)
    except TypeError as e:  # a misspelt keyword argument
        raise ConfigError(f"llm settings: {e}") from None


def _from_env(name: str, value: str):
    if name != "timeout":
        return value
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{ENV[name]} must be a number of seconds, got {value!r}") from None
