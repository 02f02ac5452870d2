"""The ports of the background exports (services/export_jobs.py): where the jobs are kept, where the files
go, and the lists an export reads."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

from chalicelib.domain.exports import ExportJob
from chalicelib.services.ports import Page


class ExportStore(Protocol):
    def get(self, export_id: str) -> ExportJob | None: ...
    def add(self, job: ExportJob) -> None: ...
    def save(self, job: ExportJob, expected_revision: int) -> None:
        """Conditional on the revision read: ConflictError when another writer came first."""
    def recent(self, limit: int, cursor: str | None = None) -> Page[ExportJob]:
        """Newest first."""


class ExportFiles(Protocol):
    def upload(self, path: Path, key: str, content_type: str, filename: str) -> int:
        """Sends the file (multipart above one part's size); returns its size in bytes."""
    def download_url(self, key: str, filename: str, seconds: int) -> str:
        """A short-lived URL the browser can fetch the file from."""
