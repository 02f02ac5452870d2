"""Douyin shop (抖店) sandbox: the signed gateway, stateful shops and orders, OAuth, e-waybills, pushes."""

from local.sandbox.douyin.app import DouyinSandbox, create_sandbox

__all__ = ["DouyinSandbox", "create_sandbox"]
