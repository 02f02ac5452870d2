"""A seller's shop on one platform. Credentials are a reference to encrypted secrets, never the values."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.platform import Platform
from chalicelib.domain.status import ShopStatus

# the status_reason prefix of an active shop whose token refresh keeps failing (services/tokens.py writes it,
# the alert checks read it)
REFRESH_FAILING = "token refresh failing"


@dataclass(frozen=True)
class Shop:
    shop_id: str
    name: str
    platform: Platform
    seller_id: str                       # the platform's shop / seller id
    status: ShopStatus = ShopStatus.ACTIVE
    app_key: str = ""
    credentials_ref: str = ""            # where the encrypted secret + tokens live (the secrets blob)
    base_url: str = ""                   # empty: the real gateway; the sandbox URL in local mode
    token_expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    status_reason: str = ""              # why it is paused / parked, shown in the UI
    parked_until: datetime | None = None
    revision: int = 0

    @property
    def syncing(self) -> bool:
        return self.status in (ShopStatus.ACTIVE, ShopStatus.RATE_LIMITED)


@dataclass(frozen=True)
class ShopSecrets:
    """Held only encrypted at rest (envelope encryption), never logged, never returned by the API."""
    app_secret: str
    access_token: str = ""
    refresh_token: str = ""
    extra: tuple[tuple[str, str], ...] = ()   # e.g. kuaishou sign_secret, wechat push token / AES key
    revision: int = 0

    def extra_dict(self) -> dict[str, str]:
        return dict(self.extra)
