"""Shared by the clients whose OAuth calls live in a service object of their own: the PlatformClient
OAuth methods that hand over to it."""
from __future__ import annotations

from typing import Protocol

from chalicelib.services.platform_types import TokenSet


class OAuthService(Protocol):
    def authorize_url(self, redirect_uri: str, state: str) -> str: ...
    def exchange_code(self, code: str) -> TokenSet: ...
    def refresh(self, refresh_token: str) -> TokenSet: ...


class DelegatedOAuth:
    """Mixin: the client's OAuth methods are its `oauth` service's (the redirect URI is bound at authorise time
    on these platforms, so the code exchange does not send it again)."""

    oauth: OAuthService

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return self.oauth.authorize_url(redirect_uri, state)

    def exchange_code(self, code: str, redirect_uri: str) -> TokenSet:
        return self.oauth.exchange_code(code)

    def refresh(self, refresh_token: str) -> TokenSet:
        return self.oauth.refresh(refresh_token)
