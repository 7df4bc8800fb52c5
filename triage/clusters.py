"""Near-copy clusters, "pesan serentak" (issue 18), in the triage app: one APIRouter for the page group.

* `GET /serentak/{cluster_id}` (`cluster`): the cluster's posts with their identity evidence (bio, the classifier's
  identity class and signals), its size, accounts, regions and time span, and the decision form;
* `POST /serentak/{cluster_id}/keputusan` (`cluster_decide`): a reviewer decides the cluster once; the decision is
  recorded for each open member of the queue through `Store.record_decision`, so every member gets its own decision
  row and audit entry and the review state machine (pantau.review) applies to each. Members another reviewer has
  claimed, or the state machine refuses, are left as they are and counted. Four-eyes stays per referral.

The store's clusters: store/clusters.py; the algorithm: pantau/nearcopy.py. Dependencies through Depends
(triage/deps.py): `get_store`, `allowed(route)` (login, role, CSRF).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pantau.categories import CHECKLIST
from pantau.review import DECISIONS
from pantau.store.cluster_reads import cluster_members, cluster_summaries_by_id
from pantau.store.db import ClaimConflict, Store, StoreError, TransitionRefused

from .decisions import REFUSAL_MESSAGES
from .deps import Who, allowed, get_store, one_connection, render

OPEN = ("new", "needs_info")
CLUSTER_DECISIONS = tuple(d for d in DECISIONS if d != "duplicate")  # a duplicate needs a target per post

router = APIRouter()


def cluster_path(cluster_id: int) -> str:
    return f"/serentak/{int(cluster_id)}"


@router.get("/serentak/{cluster_id}", response_class=HTMLResponse, name="cluster")
@one_connection
def cluster(
    request: Request,
    cluster_id: int,
    who: Annotated[Who, Depends(allowed("cluster", post=False))],
    store: Annotated[Store, Depends(get_store)],
    diputuskan: int = -1,
    dilewati: int = 0,
):
    summary = cluster_summaries_by_id(store, [cluster_id]).get(cluster_id)
    if summary is None:
        raise HTTPException(status_code=404, detail="Tidak ada pesan serentak dengan nomor itu.")
    members = cluster_members(store, cluster_id)
    _, user = who
    return render(
        request, "cluster.html", _who=who, summary=summary, members=members,
        phrase=summary["phrase"],
        open_count=sum(m["status"] in OPEN for m in members), checklist=CHECKLIST,
        decisions=CLUSTER_DECISIONS, can_decide=user["role"] in ("reviewer", "supervisor"),
        decided=diputuskan, skipped=dilewati,
    )


@router.post("/serentak/{cluster_id}/keputusan", name="cluster_decide")
@one_connection
def cluster_decide(
    request: Request,
    cluster_id: int,
    who: Annotated[Who, Depends(allowed("cluster_decide"))],
    store: Annotated[Store, Depends(get_store)],
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    asn_identity: Annotated[str, Form()] = "",
    partisan_act: Annotated[str, Form()] = "",
    election_period: Annotated[str, Form()] = "",
):
    _, user = who
    if decision not in CLUSTER_DECISIONS:
        raise HTTPException(status_code=400, detail=REFUSAL_MESSAGES["unknown_decision"])
    checklist = {"asn_identity": bool(asn_identity), "partisan_act": bool(partisan_act),
                 "election_period": bool(election_period)}
    why = f"{reason.strip()} (diputuskan sekaligus: pesan serentak #{cluster_id})".strip()
    decided = skipped = 0
    for m in cluster_members(store, cluster_id):
        if m["status"] not in OPEN:  # not in the queue, or decided already (a form sent twice adds nothing)
            continue
        try:
            store.record_decision(m["platform"], m["post_id"], decision, reviewer=user["username"], role=user["role"],
                                  reason=why, checklist=checklist)
            decided += 1
        except (ClaimConflict, TransitionRefused, StoreError):
            skipped += 1
    return RedirectResponse(f"{cluster_path(cluster_id)}?diputuskan={decided}&dilewati={skipped}", status_code=303)
