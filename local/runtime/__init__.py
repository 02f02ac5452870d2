"""The embedded local runtime: moto in-process, resources from infra/, the app's own HTTP routes, SQS
handlers and schedules, persistence across restarts. `python -m local` runs it; tests use LocalRuntime."""
from local.runtime.hooks import StartContext, on_started, on_stopping
from local.runtime.runtime import LocalRuntime, RuntimeConfig

__all__ = ["LocalRuntime", "RuntimeConfig", "StartContext", "on_started", "on_stopping"]
