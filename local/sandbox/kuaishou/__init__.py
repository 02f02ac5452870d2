"""Kuaishou shop (快手小店) sandbox gateway. `create_sandbox()` gives a SandboxPlatform."""

from local.sandbox.kuaishou.app import KuaishouSandbox, create_sandbox

__all__ = ["KuaishouSandbox", "create_sandbox"]
