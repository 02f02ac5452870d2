"""Pinduoduo POP sandbox. Written from the reference, independently of chalicelib.platforms.pdd."""

from local.sandbox.pdd.app import PddSandbox, create_sandbox

__all__ = ["PddSandbox", "create_sandbox"]
