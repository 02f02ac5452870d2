"""Settings, read once from the environment. Secrets are referenced, never logged."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from chalicelib import names


@dataclass(frozen=True)
class Settings:
    stage: str
    prefix: str
    region: str
    raw_bucket: str
    jwt_secret: str
    jwt_issuer: str
    jwt_ttl_seconds: int
    max_body_bytes: int
    ui_origin: str
    local_key_file: str        # local runtime: envelope key file; AWS: empty (KMS)
    secrets_key_id: str

    def table(self, key: str) -> str:
        return names.table_name(key)

    def queue(self, key: str) -> str:
        return names.queue_name(key)


@lru_cache(maxsize=1)
def settings() -> Settings:
    env = os.environ
    return Settings(
        stage=env.get("OMS_STAGE", "dev"),
        prefix=names.prefix(),
        region=env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or "us-east-1",
        raw_bucket=env.get("RAW_BUCKET", names.bucket_name("raw")),
        jwt_secret=_jwt_secret(),
        jwt_issuer=env.get("JWT_ISSUER", "qihang-oms"),
        jwt_ttl_seconds=int(env.get("JWT_TTL_SECONDS", "3600")),
        max_body_bytes=int(env.get("MAX_BODY_BYTES", str(1024 * 1024))),
        ui_origin=env.get("UI_ORIGIN", ""),
        local_key_file=env.get("OMS_LOCAL_KEY_FILE", ""),
        secrets_key_id=env.get("SECRETS_KEY_ID", ""),
    )


def _jwt_secret() -> str:
    secret = os.environ.get("JWT_SECRET", "")
    param = os.environ.get("JWT_SECRET_PARAM", "")
    if not secret and param:
        from aws_lambda_powertools.utilities import parameters  # cold start: ~1.6 s; AWS only, fetched once
        secret = str(parameters.get_parameter(param, decrypt=True))
    return secret
