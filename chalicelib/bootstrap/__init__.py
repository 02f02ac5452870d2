"""Composition root: builds the adapters on first use, each typed with the port it stands for, one module per
area. The adapter imports sit inside the builders for cold start (a route that never touches DynamoDB never
imports pynamodb, boto3 alone is ~1.0 s here; measured figures in api/__init__.py): importing this package
imports no adapter. Tests replace any instance with a fake through `override(name=fake)`.

Every builder is reached as `bootstrap.<name>()`, whichever module holds it; the modules call each other the
same way, so an override or a rebuilt instance is seen everywhere."""

from __future__ import annotations

from chalicelib.bootstrap.alerts import *  # noqa: F403
from chalicelib.bootstrap.core import *  # noqa: F403
from chalicelib.bootstrap.dropship import *  # noqa: F403
from chalicelib.bootstrap.erp import *  # noqa: F403
from chalicelib.bootstrap.exports import *  # noqa: F403
from chalicelib.bootstrap.fulfil import *  # noqa: F403
from chalicelib.bootstrap.goods import *  # noqa: F403
from chalicelib.bootstrap.links import *  # noqa: F403
from chalicelib.bootstrap.pipeline import *  # noqa: F403
from chalicelib.bootstrap.reconcile import *  # noqa: F403
from chalicelib.bootstrap.registry import _get, _instances, override, reset
from chalicelib.bootstrap.reports import *  # noqa: F403
from chalicelib.bootstrap.review import *  # noqa: F403
from chalicelib.bootstrap.stock import *  # noqa: F403
from chalicelib.bootstrap.waybills import *  # noqa: F403

__all__ = ["_get", "_instances", "override", "reset"]
