"""Scheduled functions and SQS consumers: thin, like api/ (parse -> one use case -> answer). They import
their use cases inside the handler for the same measured cold-start reason as the routes (api/__init__.py)."""
