"""Who may open what in the triage app, as data: role labels, the role matrix (route name -> roles allowed; the tests
walk every route against it), the public routes, each role's landing page and the navigation."""

from __future__ import annotations

from .capture import CAPTURE_ROLES, TOKEN_ROUTES

ROLE_LABELS = {
    "monitor": "Pemantau",
    "reviewer": "Peninjau",
    "supervisor": "Supervisor",
    "analyst": "Analis",
    "admin": "Admin",
}

ALL_ROLES = frozenset(ROLE_LABELS)
# The role matrix: every route that is not public names the roles allowed on it (tests iterate over it).
ROUTE_ROLES: dict[str, frozenset[str]] = {
    "home": ALL_ROLES,
    "logout": ALL_ROLES,
    "queue": frozenset({"reviewer", "supervisor", "analyst"}),
    "intake_form": frozenset({"monitor", "reviewer", "supervisor", "admin"}),
    "intake": frozenset({"monitor", "reviewer", "supervisor", "admin"}),
    "item": frozenset({"reviewer", "supervisor", "analyst"}),
    "decide": frozenset({"reviewer", "supervisor"}),
    "withdraw": frozenset({"reviewer", "supervisor"}),
    "double_checks": frozenset({"reviewer", "supervisor"}),  # the sample of decisions a second reviewer checks
    "release": frozenset({"reviewer", "supervisor"}),
    "note": frozenset({"reviewer", "supervisor"}),
    "confirmations": frozenset({"supervisor"}),
    "confirm": frozenset({"supervisor"}),
    "reopen": frozenset({"supervisor"}),  # the state machine (pantau.review) needs two supervisors for it
    "agreement": frozenset({"supervisor", "analyst"}),
    "stats": frozenset({"supervisor", "analyst"}),
    "analysis": frozenset({"supervisor", "analyst", "admin"}),
    "analysis_csv": frozenset({"supervisor", "analyst", "admin"}),
    "export": frozenset({"supervisor", "analyst"}),
    "monitoring": frozenset({"monitor", "admin"}),
    "users": frozenset({"admin"}),
    "sessions_end": frozenset({"admin"}),
    "audit": frozenset({"admin"}),
    "reporter_settings": frozenset({"admin"}),  # the team's reporter details (personal data) for report packages
    "reporter_settings_save": frozenset({"admin"}),
    # referrals (triage/referrals.py): the package holds the reporter's identity and contact
    "referral_build": frozenset({"supervisor"}),
    "referral_download": frozenset({"supervisor", "admin"}),
    "referrals": frozenset({"supervisor", "admin"}),
    "referral_status": frozenset({"supervisor", "admin"}),
    "referrals_export": frozenset({"supervisor", "admin"}),
    # shift handover (triage/shifts.py): the people who work the queue in shifts
    "handover": frozenset({"reviewer", "supervisor"}),
    "handover_record": frozenset({"reviewer", "supervisor"}),
    "handover_report": frozenset({"reviewer", "supervisor"}),
    # near-copy clusters, "pesan serentak" (triage/clusters.py): decided at once by those who decide items
    "cluster": frozenset({"reviewer", "supervisor", "analyst"}),
    "cluster_decide": frozenset({"reviewer", "supervisor"}),
    **CAPTURE_ROLES,  # capture while browsing (triage/capture.py): tokens, capture page
}
PUBLIC_ROUTES = frozenset({"login_form", "login", "static"}) | TOKEN_ROUTES  # TOKEN_ROUTES: API token, no session
LANDING = {"reviewer": "/antrean", "supervisor": "/antrean", "analyst": "/antrean", "monitor": "/pemantauan",
           "admin": "/pengguna"}
NAV = [  # (route, path, label)
    ("queue", "/antrean", "Antrean"),
    ("intake_form", "/masukan", "Masukan manual"),
    ("capture_page", "/tangkap", "Tangkap"),
    ("confirmations", "/konfirmasi", "Konfirmasi"),
    ("double_checks", "/periksa-ulang", "Periksa ulang"),
    ("handover", "/serah-terima", "Serah terima"),
    ("referrals", "/rujukan", "Rujukan"),
    ("agreement", "/kesepakatan", "Kesepakatan"),
    ("stats", "/statistik", "Statistik"),
    ("analysis", "/analisis", "Analisis"),
    ("monitoring", "/pemantauan", "Pemantauan"),
    ("users", "/pengguna", "Pengguna"),
    ("audit", "/audit", "Audit"),
    ("reporter_settings", "/pengaturan/pelapor", "Data pelapor"),
]
