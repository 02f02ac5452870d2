"""Kuaishou shop (快手小店) open platform: openapi.kwaixiaodian.com."""
