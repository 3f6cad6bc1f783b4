"""Generated files under the storage directory (XINFANG_STORAGE_DIR), one path per document.

A document's path depends only on its county and id, and a file is written to a temporary
name and renamed into place, so two workers rendering the same document leave one
complete file, never a torn one.
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


def document_path(county_id: int | None, document_id: int) -> str:
    """The path of a document's file, relative to the storage directory."""
    return f"documents/{county_id or 0}/{document_id}.pdf"


def write_atomically(root: Path, relative: str, data: bytes) -> Path:
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


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256, or None when it is missing."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:
        return None
