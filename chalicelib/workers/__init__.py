"""Scheduled functions and SQS consumers: thin, like api/."""
