"""Settings, read once from ``XINFANG_*`` environment variables.

One immutable object is built by ``Settings.from_env()`` and passed to the app factory,
the CLI and the workers; nothing else reads the environment.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_VAR_DIR = Path("var")


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{DEFAULT_VAR_DIR / 'xinfang.db'}"
    redis_url: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    storage_dir: Path = DEFAULT_VAR_DIR / "files"
    session_hours: int = 12
    # Failed logins tolerated in `throttle_minutes` before the account or address is locked out.
    throttle_per_account: int = 5
    throttle_per_address: int = 20
    throttle_minutes: int = 15
    debug: bool = False
    # Embedded mode runs background jobs and periodic tasks in the web process; tests switch
    # this off and run them explicitly.
    run_background: bool = True

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        base = cls()
        return replace(
            base,
            database_url=env.get("XINFANG_DATABASE_URL", base.database_url),
            redis_url=env.get("XINFANG_REDIS_URL") or None,
            secret_key=env.get("XINFANG_SECRET_KEY") or _local_secret(DEFAULT_VAR_DIR / "secret_key"),
            storage_dir=Path(env.get("XINFANG_STORAGE_DIR", str(base.storage_dir))),
            session_hours=int(env.get("XINFANG_SESSION_HOURS", base.session_hours)),
            debug=env.get("XINFANG_DEBUG", "") in {"1", "true", "yes"},
        )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _local_secret(path: Path) -> str:
    """The embedded default: a random key kept in ./var/, so restarts keep people logged in."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
