"""Every setting Speld reads from the environment, in one place.

Each variable is listed in the README. Tests pass their own mapping to
``create_app`` instead of touching the environment.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from backend.errors import LocalBaseUrl
from qr.branding import Branding, load_logo
from qr.errors import RenderOptionError

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


def is_local(base_url: str) -> bool:
    """Whether the base URL names this computer (loopback, localhost, 0.0.0.0)."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def check_print_base(base_url: str, development: bool) -> str | None:
    """Before codes are printed for ``base_url``: refuse this computer's address in production.

    A print run pointing at 127.0.0.1 is paper that works nowhere, and the
    default when PUBLIC_BASE_URL is not set. In development it is fine for
    trying out, so the caller gets a warning to show instead.
    """
    if not is_local(base_url):
        return None
    if not development:
        raise LocalBaseUrl(reason="is_local", values={"base_url": base_url})
    return (
        f"PUBLIC_BASE_URL is {base_url}, this computer: these codes work only here. Fine for "
        "trying out; set PUBLIC_BASE_URL to the address phones reach before printing for real."
    )


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
        "UNKNOWN_CODE_LIMIT": env.get("UNKNOWN_CODE_LIMIT", DEFAULTS["UNKNOWN_CODE_LIMIT"]),
        "FOLLOW_UP_AFTER_MINUTES": _integer(env, "FOLLOW_UP_AFTER_MINUTES", 120),
        "HASH_RETENTION_DAYS": _integer(
            env, "HASH_RETENTION_DAYS", DEFAULTS["HASH_RETENTION_DAYS"]
        ),
        "PRIVACY_CONTACT": env.get("PRIVACY_CONTACT", "").strip()[:200],
        "LIVE_RECOUNT_SECONDS": _integer(env, "LIVE_RECOUNT_SECONDS", 30),
        **print_settings(env),
        **queue_settings(env),
    }


def print_settings(env: dict) -> dict:
    """The edition's print look and when print files are prepared in the background."""
    background = env.get("PRINT_BACKGROUND", "").strip().lower() or None
    try:
        Branding(background=background)  # the contrast rule, checked at start-up
    except RenderOptionError as error:
        raise ConfigError(f"PRINT_BACKGROUND {error.message}") from error
    logo = env.get("PRINT_LOGO", "").strip() or None
    if logo and not Path(logo).is_file():
        raise ConfigError("PRINT_LOGO must name an existing .svg or .png file")
    if logo:
        try:
            load_logo(Path(logo).read_bytes(), logo)
        except RenderOptionError as error:
            raise ConfigError(f"PRINT_LOGO {error.message}") from error
    return {
        "PRINT_BACKGROUND": background,
        "PRINT_LOGO": logo,
        "PRINT_DIR": env.get("PRINT_DIR", "").strip() or None,
        "PRINT_SYNC_MAX_PINS": _integer(env, "PRINT_SYNC_MAX_PINS", 500),
    }


def queue_settings(env: dict) -> dict:
    """The task queue's worker: how many prints at once, how often it sweeps."""
    workers = _integer(env, "QUEUE_WORKERS", DEFAULTS["QUEUE_WORKERS"])
    if workers < 1:
        raise ConfigError("QUEUE_WORKERS must be at least 1")
    return {
        "QUEUE_WORKERS": workers,
        "QUEUE_SWEEP_SECONDS": _integer(
            env, "QUEUE_SWEEP_SECONDS", DEFAULTS["QUEUE_SWEEP_SECONDS"]
        ),
        "PRINT_STALE_SECONDS": _integer(
            env, "PRINT_STALE_SECONDS", DEFAULTS["PRINT_STALE_SECONDS"]
        ),
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
    # A stand tablet's session outlives a browser restart (pages/signin.keep_signed_in): this
    # long after its last request, and never past its token's expiry (backend/sessions.py).
    "PERMANENT_SESSION_LIFETIME": timedelta(days=31),
    # A student may open the landing page and answer the survey much later.
    "WTF_CSRF_TIME_LIMIT": None,
    # Checked by backend/pages for form posts only: the API uses bearer tokens, not cookies,
    # and a global check on every request cost the scan hot path for nothing.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "TRUSTED_PROXIES": 0,
    "REPEAT_WINDOW_MINUTES": 30,
    "UNKNOWN_CODE_LIMIT": "30/minute;300/hour",
    # After a pin's first Twente Plaza visit, how long until the follow-up question is asked.
    "FOLLOW_UP_AFTER_MINUTES": 120,
    "FALLBACK_PORTAL_URL": "https://www.twente.com",
    "PRINT_BACKGROUND": None,
    "PRINT_LOGO": None,
    "PRINT_DIR": None,  # where prepared print files are kept; None: instance/print
    # Larger batches get their sheets and bundle prepared in the background (issue 9):
    # about 5 ms a pin, so 500 pins answer in a few seconds.
    "PRINT_SYNC_MAX_PINS": 500,
    # A print job whose heartbeat is older than this lost its worker: it is taken over.
    "PRINT_STALE_SECONDS": 60,
    # The task queue's worker (flask speld worker): one print at a time by default, since a
    # print uses every core itself; how often it looks for print jobs that lost their worker.
    "QUEUE_WORKERS": 1,
    "QUEUE_SWEEP_SECONDS": 30,
    # Days after an event's last day that visitor hashes are kept (flask speld retention).
    "HASH_RETENTION_DAYS": 7,
    # Who students write to about their data (shown on /privacy); empty: the organisers.
    "PRIVACY_CONTACT": "",
    # The live view is counted at most this often per process (services/live.KeptViews).
    "LIVE_RECOUNT_SECONDS": 30,
}
