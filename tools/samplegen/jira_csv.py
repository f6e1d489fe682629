"""``jira_export.csv``: Jira Cloud's issue navigator "Export CSV (all fields)" for every project but PAY.

Every field is quoted, lines end in CRLF, dates read ``3/Jan/24 9:05 AM``, ``Parent`` holds the parent's
numeric issue id, comments are ``date;accountId;body``, and a multi-valued field gets one column per
value, its header repeated as often as the fullest row needs.
"""

from __future__ import annotations

import csv
import marshal
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import IO

from tools.samplegen.catalog import (
    BUG,
    EXTERNAL_PARENT,
    ISSUE_TYPES,
    PAY_PROJECT,
    PROJECTS,
    STATUS_CATEGORY,
    STATUS_NAMES,
    STORY,
    SUBTASK,
    TASK,
    TODO,
    UNKNOWN_ASSIGNEE,
    VENDOR,
)
from tools.samplegen.clock import MINUTES_PER_DAY
from tools.samplegen.jira_fields import STORY_POINT_ESTIMATE, STORY_POINTS, CommonFields, render_common, summary
from tools.samplegen.plan import SamplePlan
from tools.samplegen.vocabulary import COMMENTS, DESCRIPTIONS, STREAM_OBJECTS, WORKLOG_COMMENTS

HEAD_COLUMNS = (
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Status Category",
    "Project key",
    "Project name",
    "Project type",
    "Priority",
    "Resolution",
    "Assignee",
    "Assignee Id",
    "Reporter",
    "Reporter Id",
    "Creator",
    "Creator Id",
    "Created",
    "Updated",
    "Last Viewed",
    "Resolved",
    "Due date",
)
# The columns after the head, in order, and whether each is multi-valued (a list of values per row).
TAIL_COLUMNS = (
    ("Labels", True),
    ("Component/s", True),
    ("Sprint", True),
    ("Fix Version/s", True),
    ("Description", False),
    ("Watchers", True),
    ("Watchers Id", True),
    ("Inward issue link (Blocks)", True),
    ("Outward issue link (Blocks)", True),
    ("Inward issue link (Relates)", True),
    ("Outward issue link (Relates)", True),
    ("Custom field (Story Points)", False),
    ("Custom field (Story point estimate)", False),
    ("Parent", False),
    ("Parent summary", False),
    ("Custom field (Epic Link)", False),
    ("Comment", True),
    ("Log Work", True),
)
# A row: (head values, *one value or list of values per tail column), as marshal can spool it.
Row = tuple


def write_jira_csv(plan: SamplePlan, path: Path) -> int:
    """Write the CSV export, newest issue first; returns the number of issues in it."""
    # The header depends on the fullest row, so rows are spooled to disk first (a million don't fit in memory).
    with tempfile.TemporaryFile(dir=path.parent) as spool:
        widths, n_rows = _spool_rows(plan, spool)
        spool.seek(0)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            w.writerow(_header(widths))
            for _ in range(n_rows):
                w.writerow(_flatten(marshal.load(spool), widths))
    return n_rows


def _spool_rows(plan: SamplePlan, spool: IO[bytes]) -> tuple[list[int], int]:
    """Marshal every CSV row into spool; returns each tail column's width (values in the fullest row)."""
    widths = [1] * len(TAIL_COLUMNS)
    multi = [k for k, (_, is_multi) in enumerate(TAIL_COLUMNS) if is_multi]
    issues = plan.issues
    n_rows = 0
    for rank in range(len(issues.order) - 1, -1, -1):
        i = issues.order[rank]
        if issues.project[i] == PAY_PROJECT:
            continue
        row = _csv_row(plan, i)
        for k in multi:
            widths[k] = max(widths[k], len(row[1 + k]))
        marshal.dump(row, spool)
        n_rows += 1
    return widths, n_rows


def _header(widths: list[int]) -> list[str]:
    header = list(HEAD_COLUMNS)
    for (name, is_multi), width in zip(TAIL_COLUMNS, widths, strict=True):
        header.extend([name] * width if is_multi else [name])
    return header


def _flatten(row: Row, widths: list[int]) -> list[str]:
    out = list(row[0])
    for (_, is_multi), value, width in zip(TAIL_COLUMNS, row[1:], widths, strict=True):
        if is_multi:
            out.extend(value)
            out.extend([""] * (width - len(value)))
        else:
            out.append(value)
    return out


# ------------------------------------------------------------------------------------------ one row
# The rng is drawn from in the order of the steps below, so that order is part of the output.
def _csv_row(plan: SamplePlan, i: int) -> Row:
    d = render_common(plan, i)
    head = _head(plan, i, d)
    sprints = _sprints(plan, i)
    fix = _fix_versions(plan, i)
    desc = _description(plan, i)
    watchers = _watchers(plan, i, d)
    in_b, out_b, in_r, out_r = _link_keys(plan, i)
    pts = d.points
    sp = str(pts) if pts is not None and d.points_kind == STORY_POINTS else ""
    spe = str(pts) if pts is not None and d.points_kind == STORY_POINT_ESTIMATE else ""
    parent, parent_summary = _parent(plan, i)
    comments = _comments(plan, i, d)
    worklogs = _worklogs(plan, i, d.pool)
    people = plan.org.people
    return (
        head,
        d.labels,
        d.components,
        sprints,
        fix,
        desc,
        [people[w].jira_name for w in watchers],
        [people[w].account_id for w in watchers],
        in_b,
        out_b,
        in_r,
        out_r,
        sp,
        spe,
        parent,
        parent_summary,
        "",
        comments,
        worklogs,
    )


def _jira_person(plan: SamplePlan, pid: int) -> tuple[str, str]:
    """(display name, accountId); empty for nobody."""
    if pid == VENDOR:
        return UNKNOWN_ASSIGNEE, plan.org.vendor_account
    if pid < 0:
        return "", ""
    p = plan.org.people[pid]
    return p.jira_name, p.account_id


def _head(plan: SamplePlan, i: int, d: CommonFields) -> list[str]:
    issues, clock = plan.issues, plan.clock
    it, st, c, r = issues.issue_type[i], issues.status[i], issues.created[i], issues.resolved[i]
    a_name, a_id = _jira_person(plan, issues.assignee[i])
    rep_name, rep_id = _jira_person(plan, d.reporter)
    cr_name, cr_id = _jira_person(plan, d.creator)
    pkey, pname, _ = PROJECTS[issues.project[i]]
    return [
        summary(plan, i),
        issues.key(i),
        str(issues.ids[i]),
        ISSUE_TYPES[it],
        STATUS_NAMES[st],
        STATUS_CATEGORY[st],
        pkey,
        pname,
        "software",
        d.priority,
        d.resolution,
        a_name,
        a_id,
        rep_name,
        rep_id,
        cr_name,
        cr_id,
        clock.jira_dt(c),
        clock.jira_dt(d.updated),
        clock.jira_dt(d.viewed) if d.viewed else "",
        clock.jira_dt(r) if r else "",
        d.due,
    ]


def _sprints(plan: SamplePlan, i: int) -> list[str]:
    """Two-week sprints per project, from the one the issue was created in to the one it ended in (at most 3)."""
    issues, clock = plan.issues, plan.clock
    it, st, c, r = issues.issue_type[i], issues.status[i], issues.created[i], issues.resolved[i]
    if it not in (STORY, TASK, BUG) or not (r or st != TODO):
        return []
    last = (r or clock.last_minute) // MINUTES_PER_DAY // 14
    n_sp = plan.rng.choices((1, 2, 3), (70, 22, 8))[0]
    first = max(c // MINUTES_PER_DAY // 14, last - n_sp + 1)
    sprint0 = clock.day(clock.jira_start) // 14 - 1
    pkey = PROJECTS[issues.project[i]][0]
    return [f"{pkey} Sprint {k - sprint0}" for k in range(first, last + 1)][-3:]


def _fix_versions(plan: SamplePlan, i: int) -> list[str]:
    """Monthly releases: the month the issue was resolved in, sometimes the next one too."""
    rng, issues = plan.rng, plan.issues
    r = issues.resolved[i]
    fix: list[str] = []
    if r and issues.issue_type[i] in (STORY, BUG) and rng.random() < 0.4:
        rd = plan.clock.date_of(r // MINUTES_PER_DAY)
        fix.append(f"{rd.year}.{rd.month:02d}")
        if rng.random() < 0.1:
            nxt = rd.replace(day=1) + timedelta(days=32)
            fix.append(f"{nxt.year}.{nxt.month:02d}")
    return fix


def _description(plan: SamplePlan, i: int) -> str:
    rng, issues = plan.rng, plan.issues
    if issues.issue_type[i] != SUBTASK and rng.random() < 0.65:
        return rng.choice(DESCRIPTIONS).format(o=STREAM_OBJECTS[issues.stream[i]][issues.subject[i]])
    return ""


def _watchers(plan: SamplePlan, i: int, d: CommonFields) -> list[int]:
    rng = plan.rng
    watchers: list[int] = []
    for pid in (d.reporter, plan.issues.assignee[i], rng.choice(d.pool)):
        if pid >= 0 and pid not in watchers:
            watchers.append(pid)
    return watchers[: rng.choices((0, 1, 2, 3), (20, 40, 25, 15))[0]]


def _link_keys(plan: SamplePlan, i: int) -> tuple[list[str], list[str], list[str], list[str]]:
    """Keys of the linked issues: (inward Blocks, outward Blocks, inward Relates, outward Relates)."""
    in_b: list[str] = []
    out_b: list[str] = []
    in_r: list[str] = []
    out_r: list[str] = []
    for kind, direction, other, _ in plan.links.by_issue.get(i, ()):
        okey = other if isinstance(other, str) else plan.issues.key(other)
        if kind == "Blocks":
            (in_b if direction == "in" else out_b).append(okey)
        else:
            (in_r if direction == "in" else out_r).append(okey)
    return in_b, out_b, in_r, out_r


def _parent(plan: SamplePlan, i: int) -> tuple[str, str]:
    """(parent's issue id, parent's summary)."""
    par = plan.issues.parent[i]
    if par == EXTERNAL_PARENT:
        return str(plan.links.external_parent_id), "Billing v1 sunset (archived project)"
    if par >= 0:
        return str(plan.issues.ids[par]), summary(plan, par)
    return "", ""


def _comments(plan: SamplePlan, i: int, d: CommonFields) -> list[str]:
    rng, people, pool = plan.rng, plan.org.people, d.pool
    comments = []
    n_com = rng.choices((0, 1, 2, 3, 4), (45, 25, 15, 10, 5))[0]
    t0 = plan.issues.created[i]
    for _ in range(n_com):
        t0 = rng.randint(t0, max(t0, d.updated))
        author = rng.choice(pool)
        body = rng.choice(COMMENTS).format(acc=people[rng.choice(pool)].account_id)
        comments.append(f"{plan.clock.jira_dt(t0)};{people[author].account_id};{body}")
    return comments


def _worklogs(plan: SamplePlan, i: int, pool: list[int]) -> list[str]:
    """Work logged on resolved issues, by a third of the teams only (most teams don't log work)."""
    rng, issues, people = plan.rng, plan.issues, plan.org.people
    c, r = issues.created[i], issues.resolved[i]
    worklogs: list[str] = []
    if r and issues.issue_type[i] in (STORY, TASK, BUG, SUBTASK) and issues.team[i] % 3 == 0:
        for _ in range(rng.choices((0, 1, 2), (40, 40, 20))[0]):
            t0 = rng.randint(c, r)
            who = issues.assignee[i] if issues.assignee[i] >= 0 else rng.choice(pool)
            worklogs.append(
                f"{rng.choice(WORKLOG_COMMENTS)};{plan.clock.jira_dt(t0)};{people[who].account_id};"
                f"{rng.choice((1800, 3600, 7200, 14400, 28800))}"
            )
    return worklogs
