"""Load YAML components as a location would: from a defs.yaml in a real defs folder."""

from collections.abc import Iterator
from contextlib import contextmanager

from dagster import Definitions
from dagster.components.testing import create_defs_folder_sandbox

from shared_lib import with_platform_policies


@contextmanager
def defs_from_yaml(**files: str) -> Iterator[Definitions]:
    """The definitions of a location whose ``defs/<name>/defs.yaml`` are ``files``, with the
    platform's policies applied as a location's ``definitions.py`` applies them."""
    with create_defs_folder_sandbox() as sandbox:
        for name, text in files.items():
            folder = sandbox.defs_folder_path / name
            folder.mkdir(parents=True)
            (folder / "defs.yaml").write_text(text)
        with sandbox.build_all_defs() as defs:
            yield with_platform_policies(defs)


def error_text(error: BaseException) -> str:
    """An exception's message with the messages of every exception that caused it."""
    messages = []
    current: BaseException | None = error
    while current is not None:
        messages.append(str(current))
        current = current.__cause__
    return "\n".join(messages)


def load_error(**files: str) -> str:
    """The full error of loading a location made of ``files``; fails if it loads."""
    try:
        with defs_from_yaml(**files):
            pass
    except Exception as error:  # whatever Dagster wraps it in: the message chain is the spec
        return error_text(error)
    raise AssertionError("the definitions loaded, but a load error was expected")
