"""Who is asking: the identity a trusted proxy or an automation token establishes.

The authenticated webserver listens on no network port, only on a Unix socket shared with its
proxy (deploy/compose.authenticated.yaml), so the identity headers it reads can only come from
that proxy, which removes any a client sends. Headers follow the oauth2-proxy convention:
``X-Forwarded-User``, ``X-Forwarded-Email``, ``X-Forwarded-Groups`` (comma-separated).

Automation sends ``Authorization: Bearer <token>``; the proxy passes it on and the webserver
checks it against the SHA-256 of each issued token (``.access/tokens``, written by
``scripts/access add-token``). A token is a person-like name in the access files.

>>> tokens = TokenRegistry({"ci-core": hash_token("s3cret-token")})
>>> identify({"authorization": "Bearer s3cret-token"}, tokens)
Identity(name='ci-core', email=None, groups=frozenset(), via='token')
>>> identify({"x-forwarded-user": "alice"}, tokens).name
'alice'
"""

import hashlib
import hmac
from collections.abc import Mapping
from pathlib import Path

from platform_services.access.policy import Identity

USER_HEADER = "x-forwarded-user"
EMAIL_HEADER = "x-forwarded-email"
GROUPS_HEADER = "x-forwarded-groups"
VIA_HEADER = "x-platform-sign-in"
"""Set by the proxy: ``password`` (its own accounts) or ``sso`` (an SSO proxy in front of it)."""


class NotAuthenticatedError(Exception):
    """No identity, or credentials that are wrong: the request is answered 401."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenRegistry:
    """Issued automation tokens by name, as SHA-256 digests (tokens are random, 256 bits).

    Read from a file, it follows the file: a token issued or removed applies to the next
    request, without a restart (one ``stat`` per request)."""

    def __init__(self, digests: Mapping[str, str], path: Path | None = None) -> None:
        self._names = {digest: name for name, digest in digests.items()}
        self._path = path
        self._stamp = _stamp(path)

    @classmethod
    def read(cls, path: Path | None) -> "TokenRegistry":
        """``name sha256-hex`` per line; no file, no tokens."""
        return cls(_read_digests(path), path)

    def _follow(self) -> None:
        stamp = _stamp(self._path)
        if stamp != self._stamp:
            try:
                self._names = {d: n for n, d in _read_digests(self._path).items()}
            except ValueError:
                return  # a file being rewritten: keep the tokens known so far
            self._stamp = stamp

    def __len__(self) -> int:
        return len(self._names)

    def name_of(self, token: str) -> str | None:
        self._follow()
        digest = hash_token(token)
        for known, name in self._names.items():
            if hmac.compare_digest(known, digest):
                return name
        return None


def _stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        status = path.stat() if path else None
    except FileNotFoundError:
        return None
    return (status.st_mtime_ns, status.st_ino) if status else None


def _read_digests(path: Path | None) -> dict[str, str]:
    if path is None or not path.is_file():
        return {}
    digests = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[1]) != 64:
            raise ValueError(f"{path}:{number}: expected 'name sha256-hex', got {line!r}")
        digests[parts[0]] = parts[1]
    return digests


def identify(headers: Mapping[str, str], tokens: TokenRegistry) -> Identity:
    """The identity of a request's (lower-cased) headers, or :class:`NotAuthenticatedError`."""
    authorization = headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        name = tokens.name_of(authorization[7:].strip())
        if name is None:
            raise NotAuthenticatedError("unknown or revoked token")
        return Identity(name=name, via="token")
    user = headers.get(USER_HEADER, "").strip()
    if not user:
        raise NotAuthenticatedError("no signed-in user")
    groups = frozenset(g.strip() for g in headers.get(GROUPS_HEADER, "").split(",") if g.strip())
    return Identity(
        name=user,
        email=headers.get(EMAIL_HEADER) or None,
        groups=groups,
        via=headers.get(VIA_HEADER, "password"),
    )
