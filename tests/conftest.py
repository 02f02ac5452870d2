"""Test-wide environment: fake AWS credentials, a test prefix, no real endpoints."""
from __future__ import annotations

import os

os.environ.setdefault("OMS_PREFIX", "qihang-oms-test")
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_SESSION_TOKEN"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ.setdefault("JWT_SECRET", "test-jwt-secret-not-real-0123456789abcdef")
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)
pytest_plugins = ["tests.security.logscan", "tests.security.audit_default",   # issue 11: log scan, audit log
                  "tests.tiers"]   # a marker per folder, and the time each tier took
