"""The gateway's audit as an organisation trail's log files, in CloudTrail's format and S3 layout.

CloudTrail delivers gzipped JSON objects ``{"Records": [...]}`` under
``AWSLogs/<organization id>/<account>/CloudTrail/<region>/YYYY/MM/DD/`` of the trail's bucket,
named ``<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz``. The sandbox keeps the
bucket as a directory (``<root>/<bucket>/AWSLogs/...``) so the Athena engine reads it as Athena
reads S3, and it lists files by partition as Athena's partition projection computes them.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio_abac_ext.scenario import OrganizationTrail

from .audit import cloudtrail_record

DAY = re.compile(r"\d{4}/\d{2}/\d{2}")


@dataclass(frozen=True)
class Partitions:
    """Which partitions a query reads: None means all of that key."""

    accounts: frozenset[str] | None = None
    regions: frozenset[str] | None = None
    first_day: str | None = None  # "YYYY/MM/DD", inclusive
    last_day: str | None = None


def partition_of(record: dict[str, Any], default_account: str) -> tuple[str, str, str]:
    """(account, region, YYYY/MM/DD) of a record: the account it was recorded in."""
    account = str(record.get("recipientAccountId") or default_account)
    region = str(record.get("awsRegion") or "us-east-1")
    day = str(record["eventTime"])[:10].replace("-", "/")
    return account, region, day


class TrailFiles:
    """The trail bucket's log files under ``root``; ``write`` delivers records as CloudTrail
    would."""

    def __init__(self, root: str | Path, trail: OrganizationTrail, account_id: str) -> None:
        self.trail = trail
        self.account_id = account_id
        self.bucket_dir = Path(root) / trail.bucket
        self.logs_dir = self.bucket_dir / "AWSLogs" / trail.organization_id
        self._lock = threading.Lock()
        self.logs_dir.mkdir(parents=True, exist_ok=True)

    @property
    def location(self) -> str:
        """The table's LOCATION: the organisation's prefix in the bucket."""
        return f"s3://{self.trail.bucket}/AWSLogs/{self.trail.organization_id}/"

    def on_audit_entry(self, entry: dict[str, Any]) -> None:
        """An ``AuditLog`` listener: each decision delivered as its own log file."""
        self.write([cloudtrail_record(entry)])

    def write(self, records: Iterable[dict[str, Any]]) -> list[Path]:
        """One log file per (account, region, day) of ``records``; returns the files written."""
        groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for record in records:
            groups[partition_of(record, self.account_id)].append(record)
        written = []
        for (account, region, day), group in groups.items():
            folder = self.logs_dir / account / "CloudTrail" / region / day
            stamp = min(str(r["eventTime"]) for r in group)
            compact = stamp[:16].replace("-", "").replace(":", "")
            name = f"{account}_CloudTrail_{region}_{compact}Z_{uuid.uuid4().hex[:16]}.json.gz"
            body = gzip.compress(json.dumps({"Records": group}).encode(), compresslevel=6)
            with self._lock:
                folder.mkdir(parents=True, exist_ok=True)
                (folder / name).write_bytes(body)
            written.append(folder / name)
        return written

    def clear(self) -> None:
        with self._lock:
            shutil.rmtree(self.logs_dir, ignore_errors=True)
            self.logs_dir.mkdir(parents=True, exist_ok=True)

    def files(self, partitions: Partitions = Partitions()) -> list[Path]:
        """The log files of the partitions asked, found by listing as projection would."""
        found: list[Path] = []
        for account_dir in _children(self.logs_dir):
            if partitions.accounts is not None and account_dir.name not in partitions.accounts:
                continue
            for region_dir in _children(account_dir / "CloudTrail"):
                if partitions.regions is not None and region_dir.name not in partitions.regions:
                    continue
                for day_dir in _day_dirs(region_dir):
                    day = day_dir.relative_to(region_dir).as_posix()
                    if partitions.first_day and day < partitions.first_day:
                        continue
                    if partitions.last_day and day > partitions.last_day:
                        continue
                    found.extend(sorted(day_dir.glob("*.json.gz")))
        return found


def _children(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def _day_dirs(region_dir: Path) -> list[Path]:
    return [
        day
        for year in _children(region_dir)
        for month in _children(year)
        for day in _children(month)
        if DAY.fullmatch(day.relative_to(region_dir).as_posix())
    ]
