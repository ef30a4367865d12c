"""Every setting that comes from the environment is read here, once.

Bad values fail at start with an ImproperlyConfigured naming the variable, so a
misconfigured deployment never half-starts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VERBATIM_VAR_DIR", BASE_DIR / "var"))


class EnvError(ImproperlyConfigured):
    pass


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise EnvError(f"{name} must be set (see README: production deployment).")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise EnvError(f"{name} must be true or false, got {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(f"{name} must be a whole number, got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name} must be at least {minimum}, got {number}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url: str | None, *, var_dir: Path) -> dict:
    """Translate DATABASE_URL into Django's DATABASES['default'].

    Unset means the embedded default: a SQLite file under var/.
    """
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(var_dir / "verbatim.sqlite3")}
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise EnvError(
                f"DATABASE_URL must name a database, e.g. postgres://user@host:5432/verbatim; got {url!r}."
            )
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
        return config
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        # sqlite:///relative.db has one leading slash, sqlite:////abs.db two.
        if path.startswith("//") or path.startswith("/"):
            path = path[1:]
        if not path:
            raise EnvError(
                f"DATABASE_URL must name a SQLite file, e.g. sqlite:////srv/verbatim.db; got {url!r}."
            )
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}
    raise EnvError(f"DATABASE_URL must start with postgres:// or sqlite://, got {url!r}.")


def validate_redis_url(url: str | None) -> str | None:
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in {"redis", "rediss"} or not parsed.hostname:
        raise EnvError(f"REDIS_URL must look like redis://host:6379/0, got {url!r}.")
    return url


def secret_key(*, production: bool, var_dir: Path) -> str:
    """In production SECRET_KEY is required; the embedded default makes one once."""
    value = env_str("SECRET_KEY")
    if value:
        if production and len(value) < 32:
            raise EnvError("SECRET_KEY must be at least 32 characters in production.")
        return value
    if production:
        raise EnvError("SECRET_KEY must be set when VERBATIM_ENV=production.")
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    generated = secrets.token_urlsafe(50)
    key_file.write_text(generated)
    key_file.chmod(0o600)
    return generated
