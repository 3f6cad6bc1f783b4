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
    # The audit chain's HMAC key is derived from this (or from secret_key when unset);
    # the daily checkpoints are signed with the Ed25519 key in this file (made once).
    audit_key: str | None = None
    audit_signing_key_file: Path = DEFAULT_VAR_DIR / "audit_signing_key.pem"
    session_hours: int = 12
    # The before/after values of audit records (personal data among them) older than this many
    # days are erased by the daily task `audit_retention` (the chain stays intact); 0: kept.
    audit_retention_days: int = 5 * 365
    # Wrong passwords within `throttle_minutes` tolerated for one account from one address,
    # and from one address over all accounts, before each further attempt from there must
    # wait (1 s, 2 s, 4 s … up to `throttle_minutes`). Nothing locks an account itself: a
    # login from another address never waits for an attacker's failures.
    throttle_per_account: int = 5
    throttle_per_address: int = 20
    throttle_minutes: int = 15
    # Proxies (addresses or networks) whose X-Forwarded-For names the client; none by default.
    trusted_proxies: tuple[str, ...] = ()
    # Behind TLS: the session and CSRF cookies get `Secure`.
    cookie_secure: bool = False
    # How often each process re-reads the policy version (a change without Redis reaches
    # every process within this time; with Redis it is announced at once).
    policy_check_seconds: float = 2.0
    # Embedded mode runs background jobs and periodic tasks in the web process; tests switch
    # this off and run them explicitly.
    run_background: bool = True
    # With Redis: the key prefix of the job queues (several deployments may share one Redis),
    # and how long a worker's claim on a job lasts; a job running longer is taken to belong
    # to a dead worker and is handed out again, so the workers' time limit stays below it.
    queue_namespace: str = "xinfang"
    job_claim_seconds: int = 300
    # The largest uploaded file (and, with room for the form around it, request body) accepted.
    upload_max_bytes: int = 20 * 1024 * 1024
    # Where notices go besides the in-app list (platform/senders.py): `log` (nothing is sent)
    # or `package.module:factory` for a deployment's own sender, e.g. an SMS gateway.
    notification_sender: str = "log"
    # Log lines as text (the default) or one JSON object per line (`json`, for a log shipper);
    # either way each carries the request id (platform/logs.py).
    log_format: str = "text"
    # Requests and database sessions, sized together (README, "Configuration"): handlers run in
    # `handler_threads` threads, each holding at most one connection, so the pool
    # (`db_pool_size` kept open plus `db_max_overflow` opened on demand) must hold at least as
    # many. A request that cannot get a connection within `db_pool_timeout` seconds is answered
    # 503 "try again" rather than left waiting. Writers queue in the process, first come first
    # served (platform/db.py, WriteGate): a write predicted to wait longer than `db_admit_wait`
    # for its turn is refused at once (503); one admitted waits for it, giving up only after
    # twice that. 4 s: 50 clerks at once queue ≈ 1–2 s at 30–70 registrations a second, so a
    # burst that size is admitted whole with room for a machine twice as slow, and a clerk is
    # told at once rather than kept waiting longer. `db_lock_timeout` bounds a wait for a lock
    # another process holds (SQLite's busy timeout, PostgreSQL's lock_timeout).
    handler_threads: int = 48
    db_pool_size: int = 16
    db_max_overflow: int = 32
    db_pool_timeout: float = 1.0
    db_lock_timeout: float = 1.5
    db_admit_wait: float = 4.0
    # The host name the petitioners' pages (/public/…, /api/public/…) are served under, apart
    # from the staff's: on it nothing else answers (404), and the staff host no longer serves
    # /public/…. Unset: one host serves both.
    public_host: str = ""
    # A read replica (PostgreSQL streaming replica) for the heavy reads that may lag a moment:
    # statistics and their exports (routes with opt "replica"); unset, they read the primary.
    replica_url: str | None = None

    def __post_init__(self) -> None:
        if self.audit_retention_days < 0:
            raise ValueError("XINFANG_AUDIT_RETENTION_DAYS must be 0 (keep) or a number of days")
        if min(self.handler_threads, self.db_pool_size) < 1 or self.db_max_overflow < 0:
            raise ValueError("XINFANG_HANDLER_THREADS and XINFANG_DB_POOL_SIZE must be at least 1, "
                             "XINFANG_DB_MAX_OVERFLOW at least 0")
        if self.db_pool_size + self.db_max_overflow < self.handler_threads:
            raise ValueError(f"XINFANG_DB_POOL_SIZE + XINFANG_DB_MAX_OVERFLOW ({self.db_pool_size} + "
                             f"{self.db_max_overflow}) must be at least XINFANG_HANDLER_THREADS "
                             f"({self.handler_threads}): every handler thread may hold a connection")
        if min(self.db_pool_timeout, self.db_lock_timeout, self.db_admit_wait) <= 0:
            raise ValueError("XINFANG_DB_POOL_TIMEOUT, XINFANG_DB_LOCK_TIMEOUT and XINFANG_DB_ADMIT_WAIT "
                             "must be positive")

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
            audit_key=env.get("XINFANG_AUDIT_KEY") or None,
            audit_signing_key_file=Path(env.get("XINFANG_AUDIT_SIGNING_KEY_FILE") or base.audit_signing_key_file),
            session_hours=int(env.get("XINFANG_SESSION_HOURS", base.session_hours)),
            audit_retention_days=int(env.get("XINFANG_AUDIT_RETENTION_DAYS") or base.audit_retention_days),
            policy_check_seconds=float(env.get("XINFANG_POLICY_CHECK_SECONDS", base.policy_check_seconds)),
            queue_namespace=env.get("XINFANG_QUEUE_NAMESPACE") or base.queue_namespace,
            job_claim_seconds=int(env.get("XINFANG_JOB_CLAIM_SECONDS") or base.job_claim_seconds),
            trusted_proxies=tuple(p.strip() for p in env.get("XINFANG_TRUSTED_PROXIES", "").split(",") if p.strip()),
            cookie_secure=env.get("XINFANG_COOKIE_SECURE", "").strip().lower() in ("1", "true", "yes", "on"),
            upload_max_bytes=int(env.get("XINFANG_UPLOAD_MAX_MB") or base.upload_max_bytes // 2**20) * 2**20,
            notification_sender=env.get("XINFANG_NOTIFICATION_SENDER") or base.notification_sender,
            log_format=(env.get("XINFANG_LOG_FORMAT") or base.log_format).strip().lower(),
            handler_threads=int(env.get("XINFANG_HANDLER_THREADS") or base.handler_threads),
            db_pool_size=int(env.get("XINFANG_DB_POOL_SIZE") or base.db_pool_size),
            db_max_overflow=int(env.get("XINFANG_DB_MAX_OVERFLOW") or base.db_max_overflow),
            db_pool_timeout=float(env.get("XINFANG_DB_POOL_TIMEOUT") or base.db_pool_timeout),
            db_lock_timeout=float(env.get("XINFANG_DB_LOCK_TIMEOUT") or base.db_lock_timeout),
            db_admit_wait=float(env.get("XINFANG_DB_ADMIT_WAIT") or base.db_admit_wait),
            public_host=(env.get("XINFANG_PUBLIC_HOST") or "").strip().lower(),
            replica_url=env.get("XINFANG_DATABASE_REPLICA_URL") or None,
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
