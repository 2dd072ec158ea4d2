"""Every setting Speld reads from the environment, in one place.

Each variable is listed in the README. Tests pass their own mapping to
``create_app`` instead of touching the environment.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

MiB = 1024 * 1024


class ConfigError(RuntimeError):
    """The environment does not describe a runnable Speld."""


def database_url(raw: str | None, instance_path: str) -> str:
    """Return the SQLAlchemy URL: the given one (psycopg 3 for PostgreSQL) or a SQLite file."""
    if not raw:
        return f"sqlite:///{Path(instance_path) / 'speld.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def public_base_url(raw: str) -> str:
    """Validate the base that printed QR codes point to.

    Pin URLs are upper-cased for QR alphanumeric mode, which is only safe
    for the case-insensitive scheme and host: so no path is allowed.
    """
    parts = urlsplit(raw.rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"PUBLIC_BASE_URL must be http(s)://host[:port], got {raw!r}")
    if parts.path or parts.query or parts.fragment:
        raise ConfigError("PUBLIC_BASE_URL must not have a path, query or fragment")
    return f"{parts.scheme}://{parts.netloc}"


def _secret_key(env: dict, development: bool, instance_path: str) -> str:
    key = env.get("SECRET_KEY")
    if key:
        return key
    if not development:
        raise ConfigError("SECRET_KEY must be set outside development (SPELD_ENV=development)")
    # Development keeps one random key in the instance folder so sessions survive restarts.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: str, env: dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = dict(os.environ if env is None else env)
    development = env.get("SPELD_ENV", "production") == "development"
    base_url = public_base_url(env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000"))
    return {
        "SPELD_ENV": "development" if development else "production",
        "SECRET_KEY": _secret_key(env, development, instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "PUBLIC_BASE_URL": base_url,
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "TRUSTED_PROXIES": _integer(env, "TRUSTED_PROXIES", 0),
        "REPEAT_WINDOW_MINUTES": _integer(env, "REPEAT_WINDOW_MINUTES", 30),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "UNKNOWN_CODE_LIMIT": env.get("UNKNOWN_CODE_LIMIT", DEFAULTS["UNKNOWN_CODE_LIMIT"]),
        "HASH_RETENTION_DAYS": _integer(
            env, "HASH_RETENTION_DAYS", DEFAULTS["HASH_RETENTION_DAYS"]
        ),
        "PRIVACY_CONTACT": env.get("PRIVACY_CONTACT", "").strip()[:200],
    }


def _integer(env: dict, name: str, default: int) -> int:
    try:
        value = int(env.get(name, default))
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number") from error
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


# Fixed settings that are not meant to vary per deployment.
DEFAULTS = {
    "MAX_CONTENT_LENGTH": 1 * MiB,
    "JSON_SORT_KEYS": False,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "API_TITLE": "Speld",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "speld_session",
    # A student may open the landing page and answer the survey much later.
    "WTF_CSRF_TIME_LIMIT": None,
    # Checked by backend/pages for form posts only: the API uses bearer tokens, not cookies,
    # and a global check on every request cost the scan hot path for nothing.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "TRUSTED_PROXIES": 0,
    "REPEAT_WINDOW_MINUTES": 30,
    "RATELIMIT_STORAGE_URI": "memory://",
    "UNKNOWN_CODE_LIMIT": "30/minute;300/hour",
    "FALLBACK_PORTAL_URL": "https://www.twente.com",
    # Days after an event's last day that visitor hashes are kept (flask speld retention).
    "HASH_RETENTION_DAYS": 7,
    # Who students write to about their data (shown on /privacy); empty: the organisers.
    "PRIVACY_CONTACT": "",
}
