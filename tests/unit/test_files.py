"""The one file store: atomic writes, content kept once by digest."""

from __future__ import annotations

import hashlib
import os

import pytest

from xinfang.platform.files import store_by_digest, write_atomically


class Boom(Exception):
    pass


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    """A write that fails before the rename (a full disk at fsync) changes nothing."""
    write_atomically(tmp_path, "a/b.pdf", b"old")

    def failing_fsync(fd):
        raise Boom

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(Boom):
        write_atomically(tmp_path, "a/b.pdf", b"new content")
    monkeypatch.undo()
    assert (tmp_path / "a" / "b.pdf").read_bytes() == b"old"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b.pdf"]


def test_content_is_stored_once_under_its_digest(tmp_path):
    digest, relative = store_by_digest(tmp_path, "evidence", b"photo")
    assert digest == hashlib.sha256(b"photo").hexdigest()
    assert relative == f"evidence/{digest[:2]}/{digest}"
    assert (tmp_path / relative).read_bytes() == b"photo"
    assert store_by_digest(tmp_path, "evidence", b"photo") == (digest, relative)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [tmp_path / relative]
