"""Sub-commands of this context (registered by `motcua.cli`)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Nothing registered yet."""
