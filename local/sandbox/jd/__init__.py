"""The JD (JOS) sandbox: gateway, OAuth and state, written from the reference independently of the client."""
from local.sandbox.jd.app import JdSandbox, create_sandbox

__all__ = ["JdSandbox", "create_sandbox"]
