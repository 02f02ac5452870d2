"""Handlers of platform actions, one module per kind of record (shipments, after-sales, stock). Each
module registers its handlers with `@handles("name")` from chalicelib.services.actions."""
from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
