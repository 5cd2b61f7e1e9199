"""Every docstring example in shared_lib runs and shows what it claims."""

import doctest
import importlib
import pkgutil

import pytest

import shared_lib

MODULES = [shared_lib.__name__] + [
    module.name for module in pkgutil.walk_packages(shared_lib.__path__, f"{shared_lib.__name__}.")
]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name: str) -> None:
    result = doctest.testmod(importlib.import_module(module_name), optionflags=doctest.ELLIPSIS)

    assert result.failed == 0
