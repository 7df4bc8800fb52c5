"""The referral register (issue 7): a case per referred post, moving forward through REFERRAL_STATUSES, with its
events and audit entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pantau.post import utcnow

from .audit_log import _append_audit
from .connection import StoreError

# Referral register (issue 7): a case moves forward through these; `closed` may follow any status.
REFERRAL_STATUSES = ("draft", "sent", "registered", "forwarded_bkn", "decided", "sanctioned", "closed")
# The column a status's reference number is kept in (the event keeps it too).
REFERRAL_REFERENCE_COLUMNS = {"sent": "sent_ref", "registered": "bawaslu_reg_no", "forwarded_bkn": "bkn_ref_no",
                              "decided": "decision_ref", "sanctioned": "sanction_ref"}


def referral_transition_error(current: str, new: str) -> str | None:
    """Why a case cannot go from `current` to `new`, or None when it can (forward only; closed from anywhere)."""
    if new not in REFERRAL_STATUSES:
        return f"unknown status {new!r}; expected one of {', '.join(REFERRAL_STATUSES)}"
    if current == "closed":
        return "the case is closed; a closed case cannot change status"
    if new == current:
        return f"the case is already {current!r}"
    if new != "closed" and REFERRAL_STATUSES.index(new) < REFERRAL_STATUSES.index(current):
        return f"cannot go back from {current!r} to {new!r} (statuses only move forward)"
    return None


def referral_next_statuses(current: str) -> list[str]:
    """The statuses a case may move to, the next one first."""
    return [s for s in REFERRAL_STATUSES if referral_transition_error(current, s) is None]


class Referrals:
    """Referral cases (a part of `Store`)."""

    def register_referral(
        self,
        platform: str,
        post_id: str,
        *,
        package: str,
        package_dir: str,
        package_sha256: str,
        manifest_sha256: str,
        office: str | None,
        built_by: str,
        built_at: datetime | None = None,
        now: datetime | None = None,
    ) -> int:
        """Record a built referral package as a `draft` case and return its referral_id.

        A case still in draft that is built again keeps its id and gets the new package; a case already sent is
        refused (StoreError): the register keeps the package that was sent. Event + audit entry in one transaction.
        """
        now = now or utcnow()
        built_at = built_at or now
        if not built_by or not built_by.strip():
            raise StoreError("a referral needs the name of who built it")
        with self.transaction() as con:
            if not con.execute(
                "SELECT count(*) FROM posts WHERE post_id = ? AND platform = ?", [post_id, platform]
            ).fetchone()[0]:
                raise StoreError(f"no post {platform}/{post_id}")
            row = con.execute(
                "SELECT referral_id, status FROM referrals WHERE post_id = ? AND platform = ?", [post_id, platform]
            ).fetchone()
            if row is not None and row[1] != "draft":
                raise StoreError(
                    f"{platform}/{post_id} is referral {row[0]} with status {row[1]!r}: already sent, "
                    "the register keeps the package that was sent")
            package_fields = [package, package_dir, package_sha256, manifest_sha256, office, built_at, built_by]
            if row is None:
                referral_id = int(con.execute(
                    """INSERT INTO referrals (platform, post_id, package, package_dir, package_sha256,
                           manifest_sha256, office, built_at, built_by, status, status_at, status_by)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?) RETURNING referral_id""",
                    [platform, post_id, *package_fields, now, built_by],
                ).fetchone()[0])
            else:
                referral_id = int(row[0])
                con.execute(
                    """UPDATE referrals SET package = ?, package_dir = ?, package_sha256 = ?, manifest_sha256 = ?,
                           office = ?, built_at = ?, built_by = ?, status_at = ?, status_by = ?
                       WHERE referral_id = ?""",
                    [*package_fields, now, built_by, referral_id],
                )
            note = ("paket dibuat ulang: " if row else "paket dibuat: ") + package
            con.execute(
                "INSERT INTO referral_events (referral_id, status, event_at, actor, reference, note) "
                "VALUES (?, 'draft', ?, ?, NULL, ?)", [referral_id, now, built_by, note])
            _append_audit(con, built_by, "referral_status", f"{platform}/{post_id}", {
                "referral_id": referral_id, "status": "draft", "rebuilt": row is not None, "package": package,
                "sha256": package_sha256, "manifest_sha256": manifest_sha256, "office": office,
            }, now)
        return referral_id

    def set_referral_status(
        self,
        referral_id: int,
        status: str,
        *,
        actor: str,
        reference: str | None = None,
        note: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Move a case to a later status (or to `closed` from any status) with an optional reference number.

        Refuses (StoreError) unknown statuses, going back, staying put and leaving `closed`. The reference goes to
        the status's column (REFERRAL_REFERENCE_COLUMNS) and to the event; event + audit entry in one transaction.
        Returns the updated case. While the triage app owns the file, the app makes the change (request
        `referral_status`)."""
        if not actor or not actor.strip():
            raise StoreError("a status change needs an actor")
        if now is None and self.owned_elsewhere():
            return self.request_owner("referral_status", {"referral_id": referral_id, "status": status, "actor": actor,
                                                          "reference": reference, "note": note})
        now = now or utcnow()
        reference = (reference or "").strip() or None
        note = (note or "").strip() or None
        with self.transaction() as con:
            row = con.execute(
                "SELECT platform, post_id, status FROM referrals WHERE referral_id = ?", [referral_id]
            ).fetchone()
            if row is None:
                raise StoreError(f"no referral {referral_id}")
            platform, post_id, current = row
            problem = referral_transition_error(current, status)
            if problem:
                raise StoreError(f"referral {referral_id}: {problem}")
            sets, params = ["status = ?", "status_at = ?", "status_by = ?"], [status, now, actor]
            column = REFERRAL_REFERENCE_COLUMNS.get(status)
            if column and reference:
                sets.append(f"{column} = ?")
                params.append(reference)
            if status != "closed":
                sets.append("sent_at = coalesce(sent_at, ?)")
                params.append(now)
            con.execute(f"UPDATE referrals SET {', '.join(sets)} WHERE referral_id = ?", [*params, referral_id])
            con.execute(
                "INSERT INTO referral_events (referral_id, status, event_at, actor, reference, note) "
                "VALUES (?, ?, ?, ?, ?, ?)", [referral_id, status, now, actor, reference, note])
            _append_audit(con, actor, "referral_status", f"{platform}/{post_id}", {
                "referral_id": referral_id, "from": current, "status": status, "reference": reference,
                "note": note}, now)
        return self.referral(referral_id)

    _REFERRAL_SELECT = """SELECT r.*, p.captured_at, reporting_deadline(p.captured_at) AS deadline_at, p.author_handle,
               p.author_name, p.region, p.url FROM referrals r LEFT JOIN posts p USING (platform, post_id)"""

    def referral(self, referral_id: int) -> dict[str, Any] | None:
        rows = self.query(self._REFERRAL_SELECT + " WHERE r.referral_id = ?", [referral_id])
        return rows[0] if rows else None

    def referral_for(self, platform: str, post_id: str) -> dict[str, Any] | None:
        """The case of an item, or None (the item page asks on every view: no scan of posts when there is none)."""
        if not self.query("SELECT 1 FROM referrals WHERE post_id = ? AND platform = ? LIMIT 1", [post_id, platform]):
            return None
        rows = self.query(self._REFERRAL_SELECT + " WHERE r.post_id = ? AND r.platform = ?", [post_id, platform])
        return rows[0] if rows else None

    def referrals(self) -> list[dict[str, Any]]:
        """Every case with its post's capture time and deadline (first capture + 7 days), by deadline."""
        return self.query(self._REFERRAL_SELECT + " ORDER BY deadline_at, r.referral_id")

    def referral_history(self, referral_id: int) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM referral_events WHERE referral_id = ? ORDER BY event_id", [referral_id])

    # -- the team's reporter (pelapor) details, kept by an admin in the triage app ----------------------------------

    def reporter_details(self) -> dict[str, str]:
        """The reporter fields an admin set in the app (field -> value; empty fields have no row). A database made
        before the table existed (read without the schema update) has none."""
        if not self.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'reporter_details'"):
            return {}
        return {r["field"]: r["value"] for r in self.query("SELECT field, value FROM reporter_details")}

    def set_reporter_details(self, values: dict[str, str], *, actor: str, now: datetime | None = None) -> list[str]:
        """Keep the reporter fields in `values` (an empty value clears its field); returns the fields that changed.
        The change is audited (`reporter_update`) with the names of the fields, never their values (personal data)."""
        now = now or utcnow()
        if not all(isinstance(k, str) and k.strip() for k in values):
            raise StoreError("a reporter field needs a name")
        with self.transaction() as con:
            before = {f: v for f, v in con.execute("SELECT field, value FROM reporter_details").fetchall()}
            changed = sorted(k for k, v in values.items() if (v or "").strip() != before.get(k, ""))
            for k in changed:
                value = (values[k] or "").strip()
                con.execute("DELETE FROM reporter_details WHERE field = ?", [k])
                if value:
                    con.execute("INSERT INTO reporter_details VALUES (?, ?, ?, ?)", [k, value, actor, now])
            if changed:
                _append_audit(con, actor, "reporter_update", "reporter_details", {"fields": changed}, now)
        return changed
