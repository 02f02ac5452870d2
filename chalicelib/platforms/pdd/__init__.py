"""Pinduoduo open platform (POP) client: gw-api.pinduoduo.com/api/router."""
