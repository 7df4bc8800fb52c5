"""Referral to Bawaslu: `refer` (packages), `verify` (a package against its manifest), the `referral` register and the
`evidence` of flagged posts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pantau.commands.common import DEFAULT_DB, fail, store_failure
from pantau.referral.evidence import EvidenceError, evidence_dir, purge
from pantau.referral.reporter import ReporterError, load_reporter

app = typer.Typer()


@app.command()
def refer(
    items: Annotated[list[str], typer.Argument(help="Confirmed violations as PLATFORM/POST_ID.")],
    out_dir: Annotated[Path, typer.Option("-o", "--out-dir", help="Folder for the laporan-*.zip packages.")],
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    reporter: Annotated[Optional[Path], typer.Option(help="Reporter TOML ([reporter] name, address...); the "
                                                          "details an admin set in the app (Data pelapor) win, "
                                                          "then this file, then PANTAU_REPORTER_* variables.")] = None,
    actor: Annotated[str, typer.Option(help="Who builds the packages (audit log).")] = "cli",
) -> None:
    """Build a Bawaslu referral package (report PDF+HTML, evidence, manifest.json) per confirmed violation."""
    from pantau.referral.package import ReferralConfig, ReferralError  # heavy (DuckDB): only when a command needs it
    from pantau.referral.register import AlreadySent, refer as build_referrals  # heavy (DuckDB): on demand
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    try:
        store = Store(db)
        config = ReferralConfig(reporter=load_reporter(reporter, stored=store.reporter_details()), actor=actor)
        # Each package becomes a draft case in the referral register (`pantau referral list`); while the triage
        # app runs, the app builds and registers them.
        built = build_referrals(store, items, out_dir, config)
    except (AlreadySent, ReferralError, ReporterError, StoreError) as exc:
        raise store_failure(exc) from None
    for pkg in built:
        for warning in pkg["warnings"]:
            typer.secho(f"WARNING {pkg['item']}: {warning}", fg=typer.colors.YELLOW, err=True)
        left = (f"PAST THE DEADLINE by {-pkg['seconds_left'] / 86400:.1f} days: will not be registered" if pkg["late"]
                else f"{pkg['days_left']} days {int(pkg['seconds_left'] % 86400 // 3600)} h left")
        typer.echo(f"{pkg['item']} -> {pkg['path']}  to {pkg['office']}; {left}; "
                   f"sha256 {pkg['sha256']}; manifest sha256 {pkg['manifest_sha256']}; referral {pkg['referral_id']} (draft)")


@app.command()
def verify(
    package: Annotated[Path, typer.Argument(help="A laporan-*.zip built by `pantau refer`.")],
    manifest_sha256: Annotated[Optional[str], typer.Option(help="Expected manifest hash (printed by refer, "
                                                                "in the audit log).")] = None,
) -> None:
    """Re-hash every file of a referral package against its manifest; exit 1 naming each altered/missing/extra file."""
    from pantau.referral.verify import verify_package  # heavy (DuckDB): only when a command needs it

    result = verify_package(package, manifest_sha256=manifest_sha256)
    for problem in result.problems:
        typer.echo(str(problem), err=True)
    if not result.ok:
        raise fail(f"{package}: {len(result.problems)} problem(s), {result.checked} file(s) intact")
    typer.echo(f"ok: {package}: {result.checked} files match manifest.json (item {result.item}, "
               f"manifest sha256 {result.manifest_sha256})")
    if result.timestamped_at is not None:
        signer = "TSA signature verified" if result.timestamp_chain_verified else \
            "TSA signature not verified: set PANTAU_TSA_CA"
        typer.echo(f"manifest.json timestamped by a TSA at {result.timestamped_at.isoformat()} ({signer})")
    else:
        typer.echo("no trusted timestamp in the package (set PANTAU_TSA_URL when building)")


referral_app = typer.Typer(name="referral", no_args_is_help=True,
                           help="The referral register: cases sent to Bawaslu and where they stand.")


@referral_app.command("list")
def referral_list(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only cases not yet sent whose 7-day deadline has "
                                                            "passed or passes within 48 h.")] = False,
    csv_out: Annotated[Optional[Path], typer.Option("--csv", help="Write the register as CSV to this file.")] = None,
    no_reporter: Annotated[bool, typer.Option("--no-reporter", help="CSV without the reporter columns.")] = False,
) -> None:
    """List referral cases (status, deadline state, reference numbers), or export them as CSV."""
    from pantau.referral import register  # heavy (DuckDB): only when a command needs it
    from pantau.store.db import Store  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    store = Store(db)
    if csv_out is not None:
        cases = store.referrals()
        csv_out.write_text(register.to_csv(cases, reporter=not no_reporter), encoding="utf-8")
        store.audit("cli", "export", "referral_register", {"rows": len(cases), "reporter": not no_reporter})
        typer.echo(f"{len(cases)} case(s) written to {csv_out}")
        return
    cases = register.annotate(store.referrals())
    if overdue:
        cases = [c for c in cases if c["deadline_state"] in ("overdue", "due_soon")]
    for c in cases:
        refs = " ".join(f"{k}={c[k]}" for k in ("sent_ref", "bawaslu_reg_no", "bkn_ref_no", "decision_ref",
                                                 "sanction_ref") if c[k])
        deadline = c["deadline_at"].strftime("%Y-%m-%dT%H:%MZ") if c["deadline_at"] else "-"
        typer.echo(f"{c['referral_id']:>4} {c['platform']}/{c['post_id']:<20} {c['status']:<13} "
                   f"{c['deadline_state']:<8} deadline {deadline}  {c['office'] or '-'}  {refs}".rstrip())
    if overdue:
        for u in register.overdue(store)["unreferred"]:
            typer.echo(f"   - {u['platform']}/{u['post_id']:<20} {'(no package)':<13} {u['deadline_state']:<8} "
                       f"deadline {u['deadline_at'].strftime('%Y-%m-%dT%H:%MZ')}")


@referral_app.command("set-status")
def referral_set_status(
    referral_id: Annotated[int, typer.Argument(help="Case number (`pantau referral list`).")],
    status: Annotated[str, typer.Argument(help="sent, registered, forwarded_bkn, decided, sanctioned or closed.")],
    reference: Annotated[Optional[str], typer.Option(help="Reference number (receipt, Bawaslu registration, "
                                                          "BKN letter...).")] = None,
    note: Annotated[Optional[str], typer.Option(help="Free note kept in the case history.")] = None,
    actor: Annotated[str, typer.Option(help="Who records the change (audit log).")] = "cli",
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
) -> None:
    """Move a case forward (or close it); going back or leaving `closed` is refused."""
    from pantau.store.db import Store, StoreError  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    try:
        case = Store(db).set_referral_status(referral_id, status, actor=actor, reference=reference, note=note)
    except StoreError as exc:
        raise store_failure(exc) from None
    typer.echo(f"referral {referral_id} ({case['platform']}/{case['post_id']}): {case['status']}")


evidence_app = typer.Typer(name="evidence", no_args_is_help=True,
                           help="Evidence of flagged posts: capture, re-check, retention (docs/referral.md).")


@evidence_app.command("capture")
def evidence_capture(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    max_attempts: Annotated[int, typer.Option(help="Give a kind up after this many failed tries.")] = 5,
    limit: Annotated[Optional[int], typer.Option(help="At most this many posts.")] = None,
) -> None:
    """Run the `capture_evidence` flow once: raw payload, HTML snapshot and screenshot of flagged posts."""
    from pantau.flows.capture import capture_evidence  # heavy (Prefect): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    s = capture_evidence(db=db, max_attempts=max_attempts, limit=limit)
    typer.echo(f"{s['posts']} posts: ok {s['ok']}, failed {s['failed']} (failures are retried on the next run)")


@evidence_app.command("recheck")
def evidence_recheck(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    limit: Annotated[Optional[int], typer.Option(help="At most this many posts.")] = None,
) -> None:
    """Run the `recheck` flow once: is each captured post unchanged, edited, deleted or unavailable?"""
    from pantau.flows.recheck import recheck  # heavy (Prefect): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    s = recheck(db=db, limit=limit)
    typer.echo(f"{s['checked']} posts checked: {s['outcomes']}")


@evidence_app.command("purge")
def evidence_purge(
    db: Annotated[Path, typer.Option(help="DuckDB file.")] = DEFAULT_DB,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would be deleted.")] = False,
    days: Annotated[Optional[int], typer.Option(help="Days kept after a case closes "
                                                     "(default: PANTAU_EVIDENCE_RETENTION_DAYS or 365).")] = None,
    actor: Annotated[str, typer.Option(help="Who purges (audit log).")] = "cli",
) -> None:
    """Delete evidence of posts not flagged and of cases closed longer than the retention period (audit-logged)."""
    from pantau.store.db import Store  # heavy (DuckDB): only when a command needs it

    if not db.exists():
        raise fail(f"{db}: no such file")
    try:
        result = purge(Store(db), evidence_dir(db), days=days, dry_run=dry_run, actor=actor)
    except EvidenceError as exc:
        raise fail(str(exc)) from None
    verb = "would purge" if dry_run else "purged"
    for (platform, post_id), reason in result.items.items():
        typer.echo(f"{verb} {platform}/{post_id}: {reason}")
    typer.echo(f"{verb} {len(result.items)} post(s)" + ("" if dry_run else f", {len(result.files_removed)} file(s) "
                                                          "deleted, one evidence_purge audit entry per post"))
