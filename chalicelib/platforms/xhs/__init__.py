"""Xiaohongshu (小红书) ark open platform: one common_controller endpoint for every method."""
