"""HTTP entry points: thin blueprints. Parse (pydantic) -> one use case -> serialise.

Routes import their schemas and use cases inside the route (the one exception to imports at module top,
with api/ workers/ and bootstrap): every Lambda of the app imports app.py and so every blueprint, and a
route pays only for what it calls. Measured (subprocess medians of 11, shared 2-core dev box, two rounds):
`import app` 0.73-0.76 s; the same with every module the routes and consumers import inside functions
imported up front, 4.0-4.9 s (bare chalice: 0.22-0.34 s)."""
