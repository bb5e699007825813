"""Rule-set fixtures for the rule tests (builders live in screening.rules.testing)."""

from __future__ import annotations

import pytest

from screening.rules.params import RuleParameters
from screening.rules.testing import load


@pytest.fixture(scope="session")
def p21() -> RuleParameters:
    return load("henan-2021")


@pytest.fixture(scope="session")
def p23() -> RuleParameters:
    return load("henan-2023")
