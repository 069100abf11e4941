"""Fixtures of the traceability tests: the mass hierarchy of ``builders``."""

from __future__ import annotations

import pytest

from .builders import World, mass_world


@pytest.fixture
def world() -> World:
    """A fresh, mutable copy of the five-level mass hierarchy (valid on 2024-06-01)."""
    return mass_world()


@pytest.fixture
def registry(world):
    return world.registry()
