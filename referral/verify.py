"""Check a referral package: every file re-hashed against manifest.json.

Problems are named one per file: `altered` (SHA-256 or size differs), `missing` (in the manifest, not in the zip),
`unexpected` (in the zip, not in the manifest), `duplicate` (the same name twice in the zip: a reader would see
only one of them), plus `manifest` for a missing or unreadable manifest and `timestamp` for a `manifest.json.tsr`
(RFC 3161 token, added when PANTAU_TSA_URL is set) that does not prove the manifest or whose signer does not chain
to PANTAU_TSA_CA. The manifest itself can only be checked
against a hash known from elsewhere: `pantau refer` prints it and writes it to the audit log, and
`verify_package(..., manifest_sha256=...)` compares it.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pantau import timestamp

from .package import FORMAT, MANIFEST, MANIFEST_TOKEN


@dataclass(frozen=True)
class Problem:
    kind: str  # altered, missing, unexpected, duplicate, manifest, timestamp
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind.upper()}: {self.path}: {self.detail}"


@dataclass
class Verification:
    package: Path
    checked: int = 0  # files whose hash matched
    problems: list[Problem] = field(default_factory=list)
    item: str | None = None
    manifest_sha256: str | None = None
    timestamped_at: datetime | None = None  # the TSA's time in manifest.json.tsr, when the package has one
    timestamp_chain_verified: bool = False  # its signer chains to PANTAU_TSA_CA (else only the imprint matched)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_package(path: str | Path, *, manifest_sha256: str | None = None) -> Verification:
    path = Path(path)
    result = Verification(package=path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        result.problems.append(Problem("missing", str(path), "no such file"))
        return result
    except zipfile.BadZipFile as exc:
        result.problems.append(Problem("manifest", str(path), f"not a zip file ({exc})"))
        return result
    with zf:
        names = [i.filename for i in zf.infolist() if not i.is_dir()]
        for name, n in sorted(Counter(names).items()):
            if n > 1:
                result.problems.append(Problem("duplicate", name, f"{n} entries with this name in the zip"))
        if MANIFEST not in names:
            result.problems.append(Problem("manifest", MANIFEST, "no manifest.json in the package"))
            return result
        raw_manifest = zf.read(MANIFEST)
        result.manifest_sha256 = hashlib.sha256(raw_manifest).hexdigest()
        if manifest_sha256 and manifest_sha256.lower() != result.manifest_sha256:
            result.problems.append(Problem("altered", MANIFEST,
                                           f"sha256 {result.manifest_sha256}, expected {manifest_sha256.lower()}"))
        try:
            manifest = json.loads(raw_manifest)
            entries = manifest["files"]
            if manifest.get("format") != FORMAT:
                raise ValueError(f"format {manifest.get('format')!r}, expected {FORMAT!r}")
            listed = {e["path"]: e for e in entries}
            if len(listed) != len(entries):
                raise ValueError("a path is listed twice")
        except (ValueError, KeyError, TypeError) as exc:
            result.problems.append(Problem("manifest", MANIFEST, f"unreadable manifest ({exc})"))
            return result
        result.item = manifest.get("item")
        present = set(names)
        for p, entry in sorted(listed.items()):
            if p not in present:
                result.problems.append(Problem("missing", p, "listed in manifest.json but not in the package"))
                continue
            h = hashlib.sha256()
            size = 0
            try:
                with zf.open(p) as fh:  # the last entry of that name, as unzip tools would extract
                    for chunk in iter(lambda: fh.read(1 << 16), b""):
                        h.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:  # bytes changed inside the zip (bad CRC...)
                result.problems.append(Problem("altered", p, f"cannot be read back ({exc})"))
                continue
            try:
                digest_ok = h.hexdigest() == entry["sha256"]
                size_ok = size == int(entry["size"])
            except (KeyError, TypeError, ValueError):
                result.problems.append(Problem("manifest", p, "entry without sha256/size"))
                continue
            if not digest_ok or not size_ok:
                result.problems.append(Problem(
                    "altered", p, f"sha256 {h.hexdigest()} size {size}, manifest says sha256 {entry['sha256']} "
                                  f"size {entry['size']}"))
            else:
                result.checked += 1
        if MANIFEST_TOKEN in present:
            try:
                checked = timestamp.check(zf.read(MANIFEST_TOKEN), raw_manifest, timestamp.roots_from_env())
                result.timestamped_at, result.timestamp_chain_verified = checked.gen_time, checked.chain_verified
            except timestamp.TimestampError as exc:
                result.problems.append(Problem("timestamp", MANIFEST_TOKEN, str(exc)))
        for p in sorted(present - set(listed) - {MANIFEST, MANIFEST_TOKEN}):
            result.problems.append(Problem("unexpected", p, "in the package but not listed in manifest.json"))
    return result
