"""``jira_json/page-NNN.json``: pages of ``GET /rest/api/3/search/jql`` for the JSON project (PAY).

Pages hold 200 issues, oldest first, and are chained with ``nextPageToken``/``isLast``.  Users carry an
email address only when they chose to show it, as in Jira Cloud.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path

from tools.samplegen.catalog import (
    EPIC,
    ISSUE_TYPES,
    JIRA_SITE,
    JSON_PAGE_SIZE,
    PAY_PROJECT,
    PROJECTS,
    STATUS_CATEGORY,
    STATUS_CATEGORY_KEY,
    STATUS_NAMES,
    SUBTASK,
    UNASSIGNED,
)
from tools.samplegen.jira_fields import NO_POINTS, CommonFields, render_common, summary
from tools.samplegen.plan import SamplePlan

BLOCKS_TYPE = {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"}
RELATES_TYPE = {"id": "10003", "name": "Relates", "inward": "relates to", "outward": "relates to"}


def _component_ids() -> dict[str, int]:
    """ "PROJECT/Component" -> component id, for every neutral and every stream-matched component."""
    ids: dict[str, int] = {}
    for key, _, neutral in PROJECTS:
        for name in (*neutral, "Auth", "CI/CD", "Build Tooling", "Notifications"):
            ids.setdefault(f"{key}/{name}", 10100 + len(ids))
    return ids


COMPONENT_IDS = _component_ids()


def write_jira_json(plan: SamplePlan, folder: Path) -> int:
    """Write the pages (replacing any earlier ones); returns the number of issues in them."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("page-*.json"):
        old.unlink()
    issues = plan.issues
    pay = [i for i in issues.order if issues.project[i] == PAY_PROJECT]
    n_pages = max(1, math.ceil(len(pay) / JSON_PAGE_SIZE))
    width = max(3, len(str(n_pages)))
    for pg in range(n_pages):
        chunk = pay[pg * JSON_PAGE_SIZE : (pg + 1) * JSON_PAGE_SIZE]
        page: dict = {"issues": [_json_issue(plan, i) for i in chunk]}
        if pg < n_pages - 1:
            page["nextPageToken"] = base64.urlsafe_b64encode(plan.rng.randbytes(48)).decode().rstrip("=")
            page["isLast"] = False
        else:
            page["isLast"] = True
        with (folder / f"page-{pg + 1:0{width}d}.json").open("w", encoding="utf-8", newline="\n") as f:
            json.dump(page, f, ensure_ascii=False, indent=2)
            f.write("\n")
    return len(pay)


def _json_user(plan: SamplePlan, pid: int) -> dict | None:
    if pid == UNASSIGNED:
        return None
    p = plan.org.people[pid]
    user = {"accountId": p.account_id, "displayName": p.jira_name}
    if p.email_visible:
        user["emailAddress"] = p.jira_email
    user["active"] = p.term is None
    return user


def _json_issue(plan: SamplePlan, i: int) -> dict:
    issues = plan.issues
    fields = _fields(plan, i, render_common(plan, i))
    return {
        "id": str(issues.ids[i]),
        "key": issues.key(i),
        "self": f"{JIRA_SITE}/rest/api/3/issue/{issues.ids[i]}",
        "fields": fields,
    }


def _fields(plan: SamplePlan, i: int, d: CommonFields) -> dict:
    issues, rng, clock = plan.issues, plan.rng, plan.clock
    it, st, proj = issues.issue_type[i], issues.status[i], issues.project[i]
    pkey, pname, _ = PROJECTS[proj]
    fields: dict = {
        "summary": summary(plan, i),
        "project": {"key": pkey, "name": pname, "id": str(10000 + proj)},
        "issuetype": {
            "name": ISSUE_TYPES[it],
            "subtask": it == SUBTASK,
            "hierarchyLevel": {EPIC: 1, SUBTASK: -1}.get(it, 0),
        },
        "status": {
            "name": STATUS_NAMES[st],
            "statusCategory": {"key": STATUS_CATEGORY_KEY[st], "name": STATUS_CATEGORY[st]},
        },
        "assignee": _json_user(plan, issues.assignee[i]),
        "reporter": _json_user(plan, d.reporter),
        # (the plan keeps minutes; the seconds are made up here)
        "created": clock.iso_dt(issues.created[i], rng.randrange(60)),
        "updated": clock.iso_dt(d.updated, rng.randrange(60)),
        "resolutiondate": clock.iso_dt(issues.resolved[i], rng.randrange(60)) if issues.resolved[i] else None,
        "labels": d.labels,
        "components": [{"id": str(COMPONENT_IDS[f"{pkey}/{c}"]), "name": c} for c in d.components],
    }
    par = issues.parent[i]
    if par >= 0:
        fields["parent"] = {
            "id": str(issues.ids[par]),
            "key": issues.key(par),
            "fields": {"summary": summary(plan, par), "issuetype": {"name": ISSUE_TYPES[issues.issue_type[par]]}},
        }
    fields["issuelinks"] = _issuelinks(plan, i)
    fields["customfield_10016"] = d.points if d.points_kind != NO_POINTS else None
    return fields


def _issuelinks(plan: SamplePlan, i: int) -> list[dict]:
    issues = plan.issues
    issuelinks = []
    for kind, direction, other, lid in plan.links.by_issue.get(i, ()):
        ltype = BLOCKS_TYPE if kind == "Blocks" else RELATES_TYPE
        ref = {"key": other} if isinstance(other, str) else {"id": str(issues.ids[other]), "key": issues.key(other)}
        issuelinks.append(
            {"id": str(lid), "type": ltype, ("inwardIssue" if direction == "in" else "outwardIssue"): ref}
        )
    return issuelinks
