"""Suite-wide options.

``--require-services`` (set by CI through ``make test REQUIRE_SERVICES=1``) turns a skip
caused by a missing service (browser, PostgreSQL, NEURON) into a failure, so CI cannot pass
by skipping. Tests that need a service call :func:`require_service` instead of
``pytest.skip``.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-services",
        action="store_true",
        default=False,
        help="fail (instead of skip) when a test's service (browser, database, NEURON) is missing",
    )


_REQUIRE = False


def pytest_configure(config: pytest.Config) -> None:
    global _REQUIRE
    _REQUIRE = bool(config.getoption("--require-services"))


def require_service(available: bool, what: str) -> None:
    """Skip (locally) or fail (under --require-services) when a service is missing."""
    if available:
        return
    if _REQUIRE:
        pytest.fail(f"service not available: {what} (--require-services is set)")
    pytest.skip(f"service not available: {what}")


@pytest.fixture
def require() -> object:
    """Fixture form of :func:`require_service`."""
    return require_service
