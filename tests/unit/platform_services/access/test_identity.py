"""Who is asking: the proxy's headers, or a token checked against its hash."""

from pathlib import Path

import pytest

from platform_services.access.identity import (
    NotAuthenticatedError,
    TokenRegistry,
    hash_token,
    identify,
)


def test_the_proxy_s_headers_give_name_email_groups_and_how() -> None:
    who = identify(
        {"x-forwarded-user": "dana", "x-forwarded-email": "d@x.org",
         "x-forwarded-groups": "a, b,", "x-platform-sign-in": "sso"},
        TokenRegistry({}),
    )  # fmt: skip

    assert (who.name, who.email, who.groups, who.via) == ("dana", "d@x.org", {"a", "b"}, "sso")


def test_no_user_and_an_unknown_token_are_not_authenticated() -> None:
    with pytest.raises(NotAuthenticatedError):
        identify({}, TokenRegistry({}))
    with pytest.raises(NotAuthenticatedError):
        identify({"authorization": "Bearer nope", "x-forwarded-user": "admin"}, TokenRegistry({}))


def test_a_token_file_is_followed_without_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text("")
    tokens = TokenRegistry.read(path)
    assert tokens.name_of("t-1") is None

    path.write_text(f"ci-core {hash_token('t-1')}\n")

    assert tokens.name_of("t-1") == "ci-core"
