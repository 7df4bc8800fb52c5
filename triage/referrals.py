"""Referrals in the triage app: build a Bawaslu package from the item page, download it, keep the register.

Routes (roles in ROUTE_ROLES of pantau.triage.app):

* `POST /pos/{platform}/{post_id}/rujukan` (`referral_build`): builds the package of a confirmed violation
  in-process (`build_package` with the app's Store: the app owns the DuckDB file while it runs) into the referral
  folder and registers it as a `draft` case;
* `GET /paket/{platform}/{post_id}` (`referral_download`): the package, re-hashed against the register
  first; audited as `export`;
* `GET /rujukan` (`referrals`): the register, with deadline badges, the overdue list and a status form;
* `POST /pos/{platform}/{post_id}/rujukan/status` (`referral_status`): move a case to a later status;
* `GET /rujukan.csv` (`referrals_export`): the register as CSV, `?tanpa_pelapor=1` without reporter columns.

Post ids may hold `/` (Telegram: `channel/1008`): the routes take them as `{post_id:post_id}`, links are built by
`item_path` (percent-encoded), and the one GET route sits under its own prefix (`/paket/`), so no post id can make an
item page URL reach it.

The package holds the reporter's identity and contact, so only supervisors and admins may download it; the
register itself stores none. One APIRouter; `create_app` puts the package folder, the reporter source and the clock on
`app.state.referral` (`referral_settings`), and the routes reach it, the store and the user through `Depends`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Callable, Mapping
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau import review
from pantau.referral import register
from pantau.referral.package import NotConfirmed, ReferralConfig, ReferralError
from pantau.referral.reporter import LABELS as REPORTER_LABELS, ReporterError, load_reporter
from pantau.store.db import REFERRAL_STATUSES, Store, StoreError

from .decisions import refusal
from .deps import Who, allowed, get_store, render
from .logic import item_path

log = logging.getLogger(__name__)

DIR_ENV = "PANTAU_REFERRAL_DIR"
REPORTER_FILE_ENV = "PANTAU_REPORTER_FILE"


def referral_dir(db_path: str | Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where the app writes packages: $PANTAU_REFERRAL_DIR, else `referrals/` next to the database file."""
    env = os.environ if environ is None else environ
    configured = env.get(DIR_ENV, "").strip()
    return Path(configured) if configured else Path(db_path).resolve().parent / "referrals"


def reporter_file() -> str | None:
    """The server's reporter file, $PANTAU_REPORTER_FILE (TOML), or None: the one place that reads the setting."""
    return os.environ.get(REPORTER_FILE_ENV, "").strip() or None


def server_reporter():
    """The reporter from the server's settings only: $PANTAU_REPORTER_FILE (TOML) and/or PANTAU_REPORTER_* variables."""
    return load_reporter(reporter_file())


def default_reporter(store):
    """The reporter of a package, read at each build: the details an admin keeps in the app (Data pelapor), each
    empty one from $PANTAU_REPORTER_FILE, else its PANTAU_REPORTER_* variable (pantau.referral.reporter)."""
    return load_reporter(reporter_file(), stored=store.reporter_details())


def reporter_missing(who: Any) -> list[str]:
    """The labels of the report's required reporter fields that are empty."""
    return [REPORTER_LABELS[k] for k in who.missing()]


def missing_reporter_message(missing: list[str]) -> str:
    return ("Data pelapor tim belum lengkap (" + ", ".join(missing) + "): paket laporan tanpa identitas pelapor tidak "
            "dapat diterima Bawaslu. Admin mengisinya di Pengaturan > Data pelapor (/pengaturan/pelapor); atau isi "
            f"pengaturan server {REPORTER_FILE_ENV} (berkas TOML, bagian [reporter]) atau variabel PANTAU_REPORTER_* "
            "(misalnya PANTAU_REPORTER_NAME), lalu coba lagi.")


def referral_panel(store, platform: str, post_id: str, role: str, item_status: str | None,
                   route_roles: Mapping[str, frozenset[str]]) -> dict[str, Any]:
    """What the item page shows about the item's referral: the case (if any) and which buttons the role gets."""
    case = store.referral_for(platform, post_id)
    return {
        "case": case,
        "status_label": register.status_label(case["status"]) if case else None,
        "can_build": role in route_roles["referral_build"] and item_status == "confirmed"
        and (case is None or case["status"] == "draft"),
        "can_download": role in route_roles["referral_download"] and case is not None,
    }


@dataclass
class ReferralSettings:
    """The referral routes' settings: the package folder, the reporter of a package, the current time."""

    folder: Path
    reporter: Callable[[], Any]
    now: Callable[[], datetime]
    building: threading.Lock = field(default_factory=threading.Lock)  # one build at a time: one item, one file name


def referral_settings(
    store,
    *,
    out_dir: str | Path | None = None,
    reporter: Callable[[], Any] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> ReferralSettings:
    """create_app's `referrals=` options. out_dir: the package folder (default `referral_dir(store.path)`);
    reporter: returns the Reporter for a package (default `default_reporter(store)`); clock: the current time
    (tests)."""
    return ReferralSettings(folder=Path(out_dir) if out_dir is not None else referral_dir(store.path),
                            reporter=reporter or (lambda: default_reporter(store)),
                            now=clock or (lambda: datetime.now(timezone.utc)))


def get_settings(request: Request) -> ReferralSettings:
    return request.app.state.referral


Settings = Annotated[ReferralSettings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
router = APIRouter()


@router.post("/pos/{platform}/{post_id:post_id}/rujukan", name="referral_build")
def referral_build(platform: str, post_id: str, who: Annotated[Who, Depends(allowed("referral_build"))],
                   store: StoreDep, settings: Settings, kembali: Annotated[str, Form(max_length=20)] = ""):
    _, user = who
    with settings.building:
        try:
            who_reports = settings.reporter()
            missing = reporter_missing(who_reports)
            if missing:
                raise HTTPException(status_code=400, detail=missing_reporter_message(missing))
            config = ReferralConfig(reporter=who_reports, now=settings.now(), actor=user["username"])
            [(pkg, _)] = register.build_and_register(store, [f"{platform}/{post_id}"], settings.folder, config)
        except register.AlreadySent as exc:
            raise HTTPException(status_code=409, detail=(
                f"Kasus ini sudah berstatus {register.status_label(exc.case['status'])}; paket yang sudah dikirim "
                "tidak dibuat ulang.")) from None
        except NotConfirmed:
            raise HTTPException(status_code=400, detail=(
                "Paket laporan hanya dapat dibuat untuk pelanggaran yang sudah dikonfirmasi supervisor "
                "kedua.")) from None
        except (ReferralError, ReporterError) as exc:
            log.error("referral package for %s/%s failed: %s", platform, post_id, exc)
            raise HTTPException(status_code=500, detail=f"Paket laporan gagal dibuat: {exc}") from None
        except StoreError as exc:
            raise HTTPException(status_code=409, detail=f"Paket tidak terdaftar: {exc}") from None
    for w in pkg.warnings:
        log.info("%s: %s", pkg.item, w)
    if kembali == "rujukan":  # built from the "Siap dirujuk" list: back to it, with the download link
        return RedirectResponse("/rujukan?" + urlencode({"dibuat": f"{platform}/{post_id}"}) + "#siap",
                                status_code=303)
    return RedirectResponse(item_path(platform, post_id) + "?rujukan=dibuat#rujukan", status_code=303)


@router.get("/paket/{platform}/{post_id:post_id}", name="referral_download")
def referral_download(platform: str, post_id: str,
                      who: Annotated[Who, Depends(allowed("referral_download", post=False))], store: StoreDep):
    _, user = who
    case = store.referral_for(platform, post_id)
    if case is None:
        raise HTTPException(status_code=404, detail="Belum ada paket laporan untuk pos ini.")
    path = Path(case["package_dir"]) / Path(case["package"]).name
    if not path.is_file():
        raise HTTPException(status_code=404, detail=f"Berkas paket {case['package']} tidak ditemukan.")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != case["package_sha256"]:
        raise HTTPException(status_code=409, detail=(
            f"Berkas paket {case['package']} berubah sejak didaftarkan (SHA-256 {digest}, terdaftar "
            f"{case['package_sha256']}). Buat ulang atau periksa dengan pantau verify."))
    store.audit(user["username"], "export", f"{platform}/{post_id}", {
        "what": "referral_package", "referral_id": case["referral_id"], "package": case["package"],
        "sha256": digest})
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{path.name}"'})


@router.get("/rujukan", response_class=HTMLResponse, name="referrals")
def referrals_page(request: Request, who: Annotated[Who, Depends(allowed("referrals", post=False))],
                   store: StoreDep, settings: Settings, tersimpan: str = "", dibuat: str = ""):
    at = settings.now()
    cases = register.annotate(store.referrals(), at)
    late = register.overdue(store, at)
    try:
        missing = reporter_missing(settings.reporter())
    except Exception as exc:  # a broken reporter file: said on the page, the build refuses with the details
        missing = [f"berkas pelapor tidak terbaca ({exc})"]
    built = next((c for c in cases if f"{c['platform']}/{c['post_id']}" == dibuat), None)
    ready = register.confirmed_unreferred(store, limit=500)
    return render(request, "referrals.html", _who=who, cases=cases, late=late, ready=ready,
                  referral_labels=register.STATUS_LABELS, reference_labels=register.REFERENCE_LABELS,
                  saved=tersimpan, due_soon_hours=register.DUE_SOON_HOURS, built=built,
                  reporter_missing=missing_reporter_message(missing) if missing else None)


@router.post("/pos/{platform}/{post_id:post_id}/rujukan/status", name="referral_status")
def referral_status(
    platform: str,
    post_id: str,
    who: Annotated[Who, Depends(allowed("referral_status"))],
    store: StoreDep,
    settings: Settings,
    status: Annotated[str, Form(max_length=40)] = "",
    reference: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
):
    _, user = who
    case = store.referral_for(platform, post_id)
    if case is None:
        raise HTTPException(status_code=404, detail="Belum ada kasus rujukan untuk pos ini.")
    if status not in REFERRAL_STATUSES:
        raise HTTPException(status_code=400, detail="Pilih status tujuan.")
    if status == "sent" and case["status"] == "draft":  # the case leaves for Bawaslu: the item is `referred`
        try:
            review.check(store.review_state(platform, post_id), "refer", user["role"], user["username"])
        except review.ReviewRefused as exc:
            raise refusal(exc) from None
    try:
        store.set_referral_status(case["referral_id"], status, actor=user["username"], reference=reference,
                                  note=note, now=settings.now())
    except StoreError as exc:
        raise HTTPException(status_code=400, detail=f"Status tidak diubah: {exc}") from None
    return RedirectResponse(f"/rujukan?tersimpan={case['referral_id']}#kasus-{case['referral_id']}",
                            status_code=303)


@router.get("/rujukan.csv", name="referrals_export")
def referrals_export(who: Annotated[Who, Depends(allowed("referrals_export", post=False))], store: StoreDep,
                     settings: Settings, tanpa_pelapor: str = ""):
    _, user = who
    with_reporter = tanpa_pelapor not in ("1", "ya", "true")
    cases = store.referrals()
    store.audit(user["username"], "export", "referral_register",
                {"rows": len(cases), "reporter": with_reporter})
    name = "register-rujukan" + ("" if with_reporter else "-tanpa-pelapor") + ".csv"
    return Response(register.to_csv(cases, reporter=with_reporter, now=settings.now()),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
