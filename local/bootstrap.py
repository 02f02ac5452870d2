"""Start hooks of `python -m local`: imported by local/__main__.py before the runtime starts."""
from local import bot_demo, demo  # noqa: F401  - registers the admin, sandbox, demo-order and bot hooks
