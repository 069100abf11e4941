"""The examples in the docstrings of sitrace.traceability run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["model", "chain", "recall", "restore", "_rules", "_frozen"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    # importlib, not attribute access: the package re-exports functions named like modules
    module = importlib.import_module(f"sitrace.traceability.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
