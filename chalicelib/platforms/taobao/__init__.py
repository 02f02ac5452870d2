"""Taobao / Tmall open platform (TOP): client, mapping, TMC message feed."""
