"""The one file store: everything kept under the storage directory (XINFANG_STORAGE_DIR) —
generated documents, campaign evidence, any upload kept — is written here, atomically.

A file is written to a temporary name in its folder, synced and renamed into place, so a
crash or two writers at once leave either no file or one complete file, never a torn one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session


def storage_root(session: Session) -> Path:
    """Where files go: the session factory carries the settings' storage directory (see
    ``make_session_factory``), so a job handed only the factory knows it too."""
    root = session.info.get("storage_dir")
    if root is None:
        raise RuntimeError("the session factory was built without storage_dir; "
                           "pass settings.storage_dir to make_session_factory() (platform/sessions.py)")
    return Path(root)


def write_atomically(root: Path, relative: str, data: bytes) -> Path:
    """Write ``data`` to ``root/relative`` (folders made as needed) by temporary file and rename."""
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def store_by_digest(root: Path, folder: str, data: bytes) -> tuple[str, str]:
    """Keep ``data`` under ``folder`` by its SHA-256 (the same content is stored once);
    returns the digest and the path relative to ``root``."""
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{folder}/{digest[:2]}/{digest}"
    if not (root / relative).exists():
        write_atomically(root, relative, data)
    return digest, relative
