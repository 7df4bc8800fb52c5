"""Password hashing with argon2id (argon2-cffi). Passwords are never stored or logged."""

from __future__ import annotations

import re

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ROLES = ("monitor", "reviewer", "supervisor", "analyst", "admin")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong username costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("pantau-dummy-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def check_hash(password_hash: str) -> str:
    """An argon2id hash made by hash_password (what the triage app accepts from another process), else ValueError."""
    if not password_hash.startswith("$argon2id$"):
        raise ValueError("not an argon2id password hash")
    try:
        extract_parameters(password_hash)
    except InvalidHashError:
        raise ValueError("not an argon2id password hash") from None
    return password_hash


def verify_password(password_hash: str | None, password: str) -> bool:
    """True only for a stored hash that matches. No user (None) or an empty hash costs the same and never matches."""
    try:
        ok = _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return ok and bool(password_hash)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME_RE.match(name):
        raise ValueError("username: 2-40 characters a-z, 0-9, '.', '_' or '-', starting with a letter or digit")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    return role
