"""WeChat Channels shop (微信小店) sandbox."""

from local.sandbox.wechat.sandbox import WechatSandbox, create_sandbox

__all__ = ["WechatSandbox", "create_sandbox"]
