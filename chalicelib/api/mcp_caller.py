"""Who is calling /mcp: the token's user, the token, and the role the call runs with (the lower of the
token's scope and the user's role). Its own small module: the route builds one before it knows whether
the request needs the tools (and their pydantic inputs) at all."""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.users import Role, User


@dataclass(frozen=True)
class Caller:
    user: User
    token_id: str
    role: Role

    @property
    def actor(self) -> str:
        return f"user:{self.user.username}"
