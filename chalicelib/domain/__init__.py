"""The pure core: stdlib only. Nothing here may import boto3, pynamodb, pydantic, httpx or chalice."""
