"""HTTP entry points: thin blueprints. Parse (pydantic) -> one use case -> serialise."""
