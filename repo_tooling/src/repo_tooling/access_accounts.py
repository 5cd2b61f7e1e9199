"""``scripts/access``: the authenticated mode's accounts and tokens, and starting it.

Accounts are for people (HTTP basic auth at the proxy, one per person); tokens are for
automation (``Authorization: Bearer``, checked by the webserver). Only hashes are kept, in
``.access/`` (ignored by git): ``passwords`` (bcrypt, which the proxy imports) and ``tokens``
(SHA-256 of 256-bit random tokens). What a name may do is not here: it is in ``access/*.yaml``.

    scripts/access up [compose options]   # first run: creates the admin account, prints it once
    scripts/access add-user alice         # prints a new password once (or --password-stdin)
    scripts/access add-token ci-core      # prints a new token once
    scripts/access remove alice           # account and token
    scripts/access compose logs webserver # any docker compose command in this mode
"""

import argparse
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import bcrypt

from platform_services.access.identity import hash_token
from repo_tooling.locations import repository_root

SECRETS_DIR = ".access"
PASSWORDS = "passwords"
TOKENS = "tokens"
OVERRIDE = "deploy/compose.authenticated.yaml"
FIRST_ADMIN = "admin"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
BCRYPT_COST = 12
"""0.24 s per check here, for whoever guesses; the proxy pays it once per password it has not
verified yet (it keeps the verified ones: docs/benchmarks.md, 4c)."""


def secrets_dir(root: Path) -> Path:
    directory = root / SECRETS_DIR
    directory.mkdir(mode=0o755, exist_ok=True)
    for name in (PASSWORDS, TOKENS):
        (directory / name).touch(mode=0o644, exist_ok=True)
    return directory


def _entries(path: Path) -> dict[str, str]:
    pairs = [line.split(maxsplit=1) for line in path.read_text().splitlines() if line.strip()]
    return {pair[0]: pair[1] for pair in pairs}


def _write(path: Path, entries: dict[str, str]) -> None:
    """Whole or not at all: a half-written passwords file would lock everyone out."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text("".join(f"{name} {value}\n" for name, value in sorted(entries.items())))
    temporary.chmod(0o644)  # the proxy and the webserver read it as their own users
    temporary.replace(path)


def set_password(root: Path, name: str, password: str) -> None:
    path = secrets_dir(root) / PASSWORDS
    digest = bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_COST)).decode()
    _write(path, {**_entries(path), name: digest})


def issue_token(root: Path, name: str) -> str:
    token = secrets.token_urlsafe(32)
    path = secrets_dir(root) / TOKENS
    _write(path, {**_entries(path), name: hash_token(token)})
    return token


def remove(root: Path, name: str) -> bool:
    removed = False
    for file_name in (PASSWORDS, TOKENS):
        path = secrets_dir(root) / file_name
        entries = _entries(path)
        removed |= entries.pop(name, None) is not None
        _write(path, entries)
    return removed


def compose_environment() -> dict[str, str]:
    """The caller's compose files (``COMPOSE_FILE``: the object-storage mode's...) + this mode's."""
    files = os.environ.get("COMPOSE_FILE", "docker-compose.yml").split(os.pathsep)
    return {**os.environ, "COMPOSE_FILE": os.pathsep.join([*files, OVERRIDE])}


def apply_to_running_proxy(root: Path) -> None:
    """The proxy reads its accounts at start: restart it if it runs (the webserver re-reads
    the tokens by itself)."""
    running = subprocess.run(
        ["docker", "compose", "ps", "--quiet", "--status", "running", "auth-proxy"],
        cwd=root, env=compose_environment(), capture_output=True, text=True, check=False,
    )  # fmt: skip
    if running.returncode == 0 and running.stdout.strip():
        subprocess.run(["docker", "compose", "restart", "auth-proxy"], cwd=root,
                       env=compose_environment(), check=True)  # fmt: skip


def checked_name(name: str) -> str:
    if not NAME.match(name):
        raise SystemExit(f"scripts/access: {name!r} is not a sign-in name (letters, digits, ._@+-)")
    return name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/access", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start the stack in the authenticated mode")
    user = commands.add_parser("add-user", help="add or reset a person's account")
    user.add_argument("name")
    user.add_argument("--password-stdin", action="store_true")
    token = commands.add_parser("add-token", help="issue (or replace) an automation token")
    token.add_argument("name")
    gone = commands.add_parser("remove", help="remove an account and its token")
    gone.add_argument("name")
    commands.add_parser("compose", help="docker compose in the authenticated mode")
    argv = sys.argv[1:] if argv is None else argv
    # up and compose hand the rest to docker compose as it is (--env-file... included).
    passed_on = argv[1:] if argv[:1] in (["up"], ["compose"]) else []
    arguments = parser.parse_args(argv[:1] if passed_on else argv)
    root = repository_root()

    if arguments.command == "up":
        passwords = secrets_dir(root) / PASSWORDS
        if not _entries(passwords):
            password = secrets.token_urlsafe(18)
            set_password(root, FIRST_ADMIN, password)
            print(f"Created the account {FIRST_ADMIN!r} (an admin in access/platform.yaml).")
            print(f"Its password, shown once: {password}")
        command = ["docker", "compose", *passed_on, "up", "--detach", "--build", "--wait"]
        result = subprocess.run(command, cwd=root, env=compose_environment(), check=False)
        if result.returncode == 0:
            port = os.environ.get("DAGSTER_AUTH_PROXY_PORT", "3080")
            print(f"The UI, after sign-in: http://127.0.0.1:{port}")
        return result.returncode
    if arguments.command == "compose":
        command = ["docker", "compose", *passed_on]
        return subprocess.run(command, cwd=root, env=compose_environment(), check=False).returncode
    name = checked_name(arguments.name)
    if arguments.command == "add-user":
        if arguments.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = secrets.token_urlsafe(18)
            print(f"Password of {name}, shown once: {password}")
        if len(password) < 12:
            raise SystemExit("scripts/access: a password needs at least 12 characters")
        set_password(root, name, password)
        apply_to_running_proxy(root)
    elif arguments.command == "add-token":
        print(f"Token of {name}, shown once (send it as 'Authorization: Bearer <token>'):")
        print(issue_token(root, name))
    elif not remove(root, name):
        raise SystemExit(f"scripts/access: no account or token named {name!r}")
    else:
        apply_to_running_proxy(root)
    print(f"What {name} may do: access/*.yaml (members, people); README, Who may do what.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
