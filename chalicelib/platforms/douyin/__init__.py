"""Douyin shop (抖店, op.jinritemai.com): signed gateway client, canonical mapping, push verification."""
