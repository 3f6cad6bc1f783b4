"""The audit log's two keys, both kept outside the database.

- The chain key (HMAC-SHA256) makes each record's hash unforgeable without it: someone
  who can edit the tables but not read the server's settings cannot recompute a chain.
  It is derived with HKDF from ``XINFANG_AUDIT_KEY``, or from ``XINFANG_SECRET_KEY`` when
  that is unset, under its own label, so it is never the same bytes as the token key.
- The checkpoint key pair (Ed25519) signs each chain's head once a day; supervisors keep
  the signed heads and the public key and can check them without the database.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CHAIN_KEY_LABEL = b"xinfang audit chain key v2"


def derive_chain_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CHAIN_KEY_LABEL).derive(secret.encode("utf-8"))


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The embedded default: a key pair generated once, the private half readable by the owner only."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:  # O_EXCL: two processes starting at once keep the first one's key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_or_create_signing_key(path)
        with os.fdopen(fd, "wb") as out:
            out.write(pem)
        return key
    loaded = serialization.load_pem_private_key(data, password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise TypeError(f"{path} 不是 Ed25519 私钥")
    return loaded


def public_key_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise TypeError("不是 Ed25519 公钥")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class AuditKeys:
    """What a session factory carries so that every session can append to and check the chains."""

    chain_key: bytes = field(repr=False)
    signing_key_file: Path
    _cache: dict = field(default_factory=dict, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings) -> AuditKeys:
        return cls(derive_chain_key(settings.audit_key or settings.secret_key), Path(settings.audit_signing_key_file))

    def signing_key(self) -> Ed25519PrivateKey:
        with self._lock:
            if "key" not in self._cache:
                self._cache["key"] = load_or_create_signing_key(self.signing_key_file)
            return self._cache["key"]

    def public_key(self) -> Ed25519PublicKey:
        return self.signing_key().public_key()
