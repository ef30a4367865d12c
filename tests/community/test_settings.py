"""Bad environment values stop the process at start with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import (
    EnvError,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    secret_key,
    validate_redis_url,
)

ROOT = Path(__file__).resolve().parents[2]


def test_it_defaults_to_sqlite_under_var(tmp_path):
    config = database_from_url(None, var_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == str(tmp_path / "verbatim.sqlite3")


def test_it_reads_a_postgres_url(tmp_path):
    config = database_from_url(
        "postgres://me:p%40ss@db.example:5433/verbatim?sslmode=require", var_dir=tmp_path
    )
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("verbatim", "me", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.example", "5433")
    assert config["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize("url", ["mysql://x@y/z", "postgres://x@y:5432/", "nonsense"])
def test_it_names_database_url_when_it_is_bad(tmp_path, url):
    with pytest.raises(EnvError, match="DATABASE_URL"):
        database_from_url(url, var_dir=tmp_path)


@pytest.mark.parametrize("url", ["http://localhost:6379", "redis://", "localhost:6379"])
def test_it_names_redis_url_when_it_is_bad(url):
    with pytest.raises(EnvError, match="REDIS_URL"):
        validate_redis_url(url)


def test_it_accepts_a_good_redis_url_and_none():
    assert validate_redis_url("redis://127.0.0.1:6379/3") == "redis://127.0.0.1:6379/3"
    assert validate_redis_url(None) is None


def test_it_names_bad_whole_numbers_and_minimums(monkeypatch):
    monkeypatch.setenv("POSTS_PER_MINUTE", "lots")
    with pytest.raises(EnvError, match="POSTS_PER_MINUTE must be a whole number, got 'lots'"):
        env_int("POSTS_PER_MINUTE", 6)
    monkeypatch.setenv("POSTS_PER_MINUTE", "0")
    with pytest.raises(EnvError, match="POSTS_PER_MINUTE must be at least 1, got 0"):
        env_int("POSTS_PER_MINUTE", 6, minimum=1)
    monkeypatch.setenv("POSTS_PER_MINUTE", "9")
    assert env_int("POSTS_PER_MINUTE", 6, minimum=1) == 9


def test_it_names_bad_booleans(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(EnvError, match="DEBUG must be true or false, got 'maybe'"):
        env_bool("DEBUG")
    for text, value in [("yes", True), ("0", False), ("On", True), ("false", False)]:
        monkeypatch.setenv("DEBUG", text)
        assert env_bool("DEBUG") is value


def test_it_splits_lists_and_ignores_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example, ,b.example ")
    assert env_list("ALLOWED_HOSTS") == ["a.example", "b.example"]


def test_it_requires_a_long_secret_key_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(EnvError, match="SECRET_KEY must be set"):
        secret_key(production=True, var_dir=tmp_path)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(EnvError, match="SECRET_KEY must be at least 32"):
        secret_key(production=True, var_dir=tmp_path)


def test_it_generates_the_embedded_secret_key_once(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(production=False, var_dir=tmp_path)
    assert len(first) >= 50
    assert secret_key(production=False, var_dir=tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def _start_django(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "SECRET_KEY"))
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "VERBATIM_VAR_DIR": str(tmp_path),
            "VERBATIM_ENV": "development",
        }
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (
            {"DATABASE_URL": "mysql://root@localhost/verbatim"},
            "DATABASE_URL must start with postgres:// or sqlite://",
        ),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL must look like redis://"),
        ({"VERBATIM_ENV": "production", "ALLOWED_HOSTS": "example.com"}, "SECRET_KEY must be set"),
        ({"VERBATIM_ENV": "production", "SECRET_KEY": "k" * 40}, "ALLOWED_HOSTS must be set"),
        ({"POST_MAX_CHARS": "ten"}, "POST_MAX_CHARS must be a whole number"),
        ({"DEBUG": "sometimes"}, "DEBUG must be true or false"),
    ],
)
def test_it_stops_at_start_with_the_variable_named(tmp_path, env, named):
    result = _start_django(tmp_path, **env)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert named in result.stderr
    assert "ImproperlyConfigured" in result.stderr or "EnvError" in result.stderr


def test_it_starts_with_no_environment_at_all(tmp_path):
    result = _start_django(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout
    assert (tmp_path / "secret_key").exists()
