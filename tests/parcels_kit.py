"""Moved into tests/fulfil_kit.py (one fulfilment test kit); this name stays only for branches that still
import it. Import from tests.fulfil_kit."""
from tests.fulfil_kit import InMemoryFulfilments, fulfil_deps

__all__ = ["InMemoryFulfilments", "fulfil_deps"]
