"""Password hashing (argon2id) and what a password and a username must be.

Passwords: at least ``MIN_LENGTH`` characters, not containing the username, not one of the
most common passwords (``common_passwords.txt``). Usernames: lower-case ASCII letters,
digits and ``_ . -``, so no two names look alike (no homoglyphs, no full-width forms).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_LENGTH = 10
MAX_LENGTH = 128
USERNAME = re.compile(r"[a-z0-9_.-]{3,32}")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    lines = (Path(__file__).with_name("common_passwords.txt").read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """What is wrong with ``password`` for ``username``, in words a clerk understands; None if fine."""
    if len(password) < MIN_LENGTH:
        return f"密码至少需要{MIN_LENGTH}个字符"
    if len(password) > MAX_LENGTH:
        return f"密码不能超过{MAX_LENGTH}个字符"
    lowered = password.lower()
    if username and username.lower() in lowered:
        return "密码不能包含用户名"
    if lowered in common_passwords():
        return "该密码过于常见,容易被猜中,请换一个"
    if password.isdigit() or password.isalpha():
        return "密码需同时包含字母和数字"
    return None


def username_problem(username: str) -> str | None:
    if not USERNAME.fullmatch(username):
        return "用户名只能使用3至32个小写英文字母、数字或“_”“.”“-”"
    return None
