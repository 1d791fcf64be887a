"""`assistant serve`: argument checks (auth for non-local hosts) and seeding an empty index,
with ui.web.serve / the index replaced by recorders, so no server starts and no model loads."""

from __future__ import annotations

import pytest

import ui.web as web
from tests.ui.fake_assistant import FakeAssistant
from ui.cli import main


@pytest.fixture
def served(monkeypatch):
    calls = []
    monkeypatch.setattr(web, "serve", lambda *a, **kw: calls.append((a, kw)) or "http://x/")
    return calls


def test_local_host_needs_no_auth(served):
    assert main(["serve", "--index", "/tmp/i", "--samples", "examples/articles"]) == 0
    (args, kw), = served
    assert args == ("/tmp/i",) and kw["host"] == "127.0.0.1" and kw["port"] == 7860
    assert kw["auth"] is None and kw["samples"] == "examples/articles" and kw["max_upload_mb"] == 20


def test_public_host_without_auth_is_refused(served, capsys):
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "--auth USER:PASSWORD" in err and "--no-auth" in err and "Traceback" not in err
    assert served == []


def test_public_host_with_auth_or_no_auth(served, tmp_path):
    assert main(["serve", "--host", "0.0.0.0", "--auth", "ann:s3:cret"]) == 0
    assert served[-1][1]["auth"] == ("ann", "s3:cret")
    f = tmp_path / "login"
    f.write_text("\nbob:pw\n")
    assert main(["serve", "--host", "192.168.1.5", "--auth-file", str(f)]) == 0
    assert served[-1][1]["auth"] == ("bob", "pw")
    assert main(["serve", "--host", "0.0.0.0", "--no-auth", "--port", "8000"]) == 0
    assert served[-1][1]["auth"] is None and served[-1][1]["port"] == 8000


@pytest.mark.parametrize("argv, msg", [
    (["--auth", "nocolon"], "USER:PASSWORD"),
    (["--auth", ":pw"], "non-empty"),
    (["--auth-file", "/no/such/file"], "cannot read"),
    (["--port", "0"], "--port"),
    (["--max-upload-mb", "0"], "--max-upload-mb"),
])
def test_bad_arguments_exit_2(served, capsys, argv, msg):
    assert main(["serve", *argv]) == 2
    assert msg in capsys.readouterr().err and served == []


def test_auth_and_no_auth_together_is_an_argparse_error(served):
    with pytest.raises(SystemExit) as e:
        main(["serve", "--auth", "a:b", "--no-auth"])
    assert e.value.code == 2


def test_missing_index_without_samples_starts_an_empty_chat(monkeypatch, tmp_path, capsys):
    launched = []
    monkeypatch.setattr(web, "launch", lambda app, **kw: launched.append((app, kw)) or "http://x/")
    d = tmp_path / "none"
    assert main(["serve", "--index", str(d), "--allow-private-urls"]) == 0
    (app, kw), = launched
    try:
        assert app.library.empty and not d.exists()  # created by the first articles added, not before
        assert kw["api"].allow_private_urls and app.upload_dir == tmp_path / "none-uploads"
        out = capsys.readouterr().out
        assert "starting empty" in out and "Traceback" not in out
    finally:
        app.close()


def test_help_tells_about_adding_by_address_and_the_empty_start(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "RSS / Atom feed" in text and "does not exist yet starts an empty chat" in text
    assert "the chat's \"Add articles\"" in text


def test_missing_index_is_seeded_from_samples(monkeypatch, tmp_path):
    import importlib

    import assistant
    from index import IndexNotFoundError, IngestReport

    # patched where `index.ingest` resolves it, so no name is left bound in `index` itself
    pipeline = importlib.import_module("index.pipeline")
    ingested = []
    monkeypatch.setattr(pipeline, "ingest",
                        lambda paths, d, progress=None: ingested.append((paths, d)) or IngestReport(added=["a"]))

    def open_assistant(d):  # like the real one: no index until the samples are in
        if not ingested:
            raise IndexNotFoundError(str(d))
        return FakeAssistant()

    monkeypatch.setattr(assistant, "Assistant", open_assistant)
    lines = []
    a = web.open_assistant(tmp_path / "idx", tmp_path, echo=lines.append)
    assert isinstance(a, FakeAssistant) and ingested == [([tmp_path], tmp_path / "idx")]
    assert "is missing" in lines[0] and "added 1" in lines[-1]


def test_samples_folder_must_exist(monkeypatch, tmp_path):
    from index import ConfigError

    with pytest.raises(ConfigError, match="does not exist"):
        web.open_assistant(tmp_path / "idx", tmp_path / "nope", echo=lambda s: None)


# -- the HTTP API's flags ------------------------------------------------------------------------------
def test_api_defaults_on_loopback(served):
    assert main(["serve"]) == 0
    api = served[-1][1]["api"]
    assert len(api.keys) == 0 and not api.public and api.rate_limit is None and api.cors_origins == ()
    assert api.mcp and not api.allow_private_urls


def test_api_keys_rate_limit_and_cors(served, tmp_path, monkeypatch):
    from ui.api.access import RateLimit

    keys = tmp_path / "keys"
    keys.write_text("# readers\nfirst-key-0123456789\nsecond-key-0123456789\n")
    monkeypatch.setenv("NEWS_API_KEY", "env-key-0123456789")
    assert main(["serve", "--host", "0.0.0.0", "--no-auth", "--api-keys-file", str(keys), "--api-key-env",
                 "NEWS_API_KEY", "--rate-limit", "30/min", "--cors-origin", "https://chat.example.org",
                 "--no-mcp", "--allow-private-urls"]) == 0
    api = served[-1][1]["api"]
    assert len(api.keys) == 3 and api.public and api.rate_limit == RateLimit(30, 60)
    assert api.cors_origins == ("https://chat.example.org",) and not api.mcp and api.allow_private_urls
    assert api.keys.match("env-key-0123456789") and api.keys.match("first-key-0123456789")


@pytest.mark.parametrize("argv, msg", [
    (["--api-key-env", "NO_SUCH_VARIABLE_HERE"], "not set or empty"),
    (["--api-keys-file", "/no/such/keys"], "cannot read --api-keys-file"),
    (["--rate-limit", "lots"], "60/min"),
    (["--cors-origin", "chat.example.org/path"], "--cors-origin"),
])
def test_bad_api_flags_exit_2(served, capsys, argv, msg):
    assert main(["serve", *argv]) == 2
    assert msg in capsys.readouterr().err and served == []


def test_a_short_key_is_refused_without_being_printed(served, capsys, monkeypatch):
    monkeypatch.setenv("NEWS_API_KEY", "tiny-secret")
    assert main(["serve", "--api-key-env", "NEWS_API_KEY"]) == 2
    err = capsys.readouterr().err
    assert "shorter than 12" in err and "tiny-secret" not in err
