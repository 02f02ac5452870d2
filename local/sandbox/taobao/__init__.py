"""Taobao / Tmall TOP sandbox: the router at /router/rest, OAuth at /authorize and /token, Cainiao
waybills and a TMC queue. Imports nothing from chalicelib (see local/sandbox/__init__.py)."""

from local.sandbox.taobao.app import TaobaoSandbox, create_sandbox

__all__ = ["TaobaoSandbox", "create_sandbox"]
