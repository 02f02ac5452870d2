"""Platform adapters: one package per platform, each implementing base.PlatformClient."""
