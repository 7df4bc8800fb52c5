"""The reporter (pelapor) of a Bawaslu report: the details an admin keeps in the triage app (Pengaturan > Data pelapor,
`/pengaturan/pelapor`, stored in the database table reporter_details), a TOML file and/or PANTAU_REPORTER_*
variables.

Which wins, field by field: the app's settings (the database); a field left empty there comes from the TOML file
(PANTAU_REPORTER_FILE), else from its PANTAU_REPORTER_<KEY> variable. So a team can start from the server's file and
let its admin correct details in the app without a restart. TOML layout::

    [reporter]
    name = "..."            # Nama
    birth_place = "..."     # Tempat lahir
    birth_date = "..."      # Tanggal lahir (as written, e.g. "17 Agustus 1990")
    sex = "..."             # Jenis kelamin
    occupation = "..."      # Pekerjaan
    citizenship = "..."     # Kewarganegaraan
    address = "..."         # Alamat
    phone = "..."           # Nomor telepon/HP
    email = "..."           # Email
    organisation = "..."    # optional: the monitoring team

    witnesses = ["Nama saksi, kontak", ...]   # optional, top level: Saksi-saksi

The details are personal data: only admins see them in the app, and only report packages carry them. Empty required
fields block a package in the triage app (the message names the page and the settings).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Mapping

ENV_PREFIX = "PANTAU_REPORTER_"

LABELS = {
    "name": "Nama",
    "birth_place": "Tempat lahir",
    "birth_date": "Tanggal lahir",
    "sex": "Jenis kelamin",
    "occupation": "Pekerjaan",
    "citizenship": "Kewarganegaraan",
    "address": "Alamat",
    "phone": "Nomor telepon/HP",
    "email": "Email",
}
OPTIONAL = ("organisation",)


class ReporterError(ValueError):
    pass


@dataclass(frozen=True)
class Reporter:
    name: str = ""
    birth_place: str = ""
    birth_date: str = ""
    sex: str = ""
    occupation: str = ""
    citizenship: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    organisation: str = ""
    witnesses: tuple[str, ...] = field(default=())

    def missing(self) -> list[str]:
        """Keys of required report fields that are empty."""
        return [k for k in LABELS if not getattr(self, k).strip()]

    def rows(self) -> list[tuple[str, str]]:
        """(label, value) for the report form, in form order; the birth place and date on one line."""
        out = [("Nama", self.name)]
        out.append(("Tempat/tanggal lahir", ", ".join(v for v in (self.birth_place, self.birth_date) if v)))
        out += [(LABELS[k], getattr(self, k)) for k in ("sex", "occupation", "citizenship", "address", "phone", "email")]
        if self.organisation:
            out.append(("Organisasi/tim pemantau", self.organisation))
        return out


FIELDS = tuple(f.name for f in fields(Reporter))  # every key the app's settings page keeps (witnesses too)
OPTIONAL_LABELS = {"organisation": "Organisasi/tim pemantau", "witnesses": "Saksi-saksi (satu per baris)"}


def witnesses_of(text: str) -> tuple[str, ...]:
    """Witnesses kept as text: one per line (or separated by `;`, as in PANTAU_REPORTER_WITNESSES)."""
    return tuple(w.strip() for w in text.replace(";", "\n").splitlines() if w.strip())


def load_reporter(path: str | Path | None = None, environ: Mapping[str, str] | None = None,
                  stored: Mapping[str, str] | None = None) -> Reporter:
    """The reporter from PANTAU_REPORTER_* variables, overridden by the TOML file at `path` if given, each field
    overridden in turn by a non-empty value in `stored` (the app's settings, Store.reporter_details)."""
    env = os.environ if environ is None else environ
    keys = [f.name for f in fields(Reporter) if f.name != "witnesses"]
    values: dict[str, str] = {k: env.get(ENV_PREFIX + k.upper(), "").strip() for k in keys}
    witnesses = witnesses_of(env.get(ENV_PREFIX + "WITNESSES", ""))
    if path is not None:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ReporterError(f"{path}: no such file") from None
        except tomllib.TOMLDecodeError as exc:
            raise ReporterError(f"{path}: {exc}") from None
        unknown_top = set(data) - {"reporter", "witnesses"}
        if unknown_top:
            raise ReporterError(f"{path}: unknown key(s) {', '.join(sorted(unknown_top))}; expected [reporter] and witnesses")
        table = data.get("reporter", {})
        if not isinstance(table, dict):
            raise ReporterError(f"{path}: [reporter] must be a table")
        unknown = set(table) - set(keys)
        if unknown:
            raise ReporterError(f"{path}: unknown key(s) in [reporter]: {', '.join(sorted(unknown))} "
                                f"(known: {', '.join(keys)})")
        for k, v in table.items():
            if not isinstance(v, (str, int)):
                raise ReporterError(f"{path}: reporter.{k} must be text")
            values[k] = str(v).strip()
        if "witnesses" in data:
            w = data["witnesses"]
            if not isinstance(w, list) or not all(isinstance(x, str) for x in w):
                raise ReporterError(f"{path}: witnesses must be a list of strings")
            witnesses = tuple(x.strip() for x in w if x.strip())
    for k, v in (stored or {}).items():
        if k == "witnesses" and witnesses_of(v):
            witnesses = witnesses_of(v)
        elif k in values and v.strip():
            values[k] = v.strip()
    return Reporter(**values, witnesses=witnesses)
