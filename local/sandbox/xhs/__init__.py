"""Xiaohongshu (小红书 ark) sandbox gateway. `create_sandbox()` gives a SandboxPlatform."""

from local.sandbox.xhs.app import XhsSandbox, create_sandbox

__all__ = ["XhsSandbox", "create_sandbox"]
