"""Every docstring example in the platform's three packages runs and shows what it claims."""

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import platform_services
import repo_tooling
import shared_lib


def modules(package: ModuleType) -> list[str]:
    return [package.__name__] + [
        module.name for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ]


MODULES = [
    name for package in (shared_lib, platform_services, repo_tooling) for name in modules(package)
]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name: str) -> None:
    result = doctest.testmod(importlib.import_module(module_name), optionflags=doctest.ELLIPSIS)

    assert result.failed == 0
