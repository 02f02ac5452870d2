"""Start hooks of `python -m local`: imported by local/__main__.py before the runtime starts."""
from local import demo  # noqa: F401  - registers the admin, sandbox and demo-order hooks
