"""Issue fields both Jira writers need: the summary, and the details drawn from the rng at write time."""

from __future__ import annotations

from dataclasses import dataclass

from tools.samplegen.catalog import (
    BUG,
    DONE,
    EPIC,
    M_COMPONENT,
    M_LABEL,
    M_PROJECT,
    MOBILE,
    PROJECTS,
    STORY,
    STREAMS,
    SUBTASK,
    TASK,
    Stream,
)
from tools.samplegen.clock import MINUTES_PER_DAY
from tools.samplegen.plan import SamplePlan
from tools.samplegen.vocabulary import EPIC_PREFIX, NEUTRAL_LABELS, STREAM_OBJECTS, SUMMARY_TEMPLATES, cap

# which story-points field an issue fills
STORY_POINTS, STORY_POINT_ESTIMATE, NO_POINTS = 0, 1, 2


def summary(plan: SamplePlan, i: int) -> str:
    issues = plan.issues
    s, it = issues.stream[i], issues.issue_type[i]
    o = STREAM_OBJECTS[s][issues.subject[i]]
    text = SUMMARY_TEMPLATES[it][issues.template[i]].format(o=o, O=cap(o))
    if it == EPIC:
        text = EPIC_PREFIX.get(s, "") + text
    return text


@dataclass(frozen=True)
class CommonFields:
    reporter: int
    creator: int
    updated: int  # minutes
    viewed: int  # minutes, 0 if never
    due: str  # in Jira CSV's spelling
    labels: list[str]
    components: list[str]
    priority: str
    resolution: str
    points: int | None
    points_kind: int
    pool: list[int]  # the issue's team members still employed, who comment, watch and log work


# Both writers call this once per issue, drawing from the rng in this fixed order.
def render_common(plan: SamplePlan, i: int) -> CommonFields:
    rng, issues = plan.rng, plan.issues
    it, st = issues.issue_type[i], issues.status[i]
    reporter, creator, pool = _reporter_and_creator(plan, i)
    updated, viewed, due = _timestamps(plan, i)
    labels, comps = _labels_and_components(plan, i) if it != SUBTASK else ([], [])
    return CommonFields(
        reporter=reporter,
        creator=creator,
        updated=updated,
        viewed=viewed,
        due=due,
        labels=labels,
        components=comps,
        priority=rng.choices(("Highest", "High", "Medium", "Low", "Lowest"), (5, 20, 55, 15, 5))[0],
        resolution=(rng.choices(("Done", "Won't Do", "Duplicate"), (90, 6, 4))[0] if st == DONE else ""),
        points=(rng.choices((1, 2, 3, 5, 8), (15, 25, 30, 20, 10))[0] if it in (STORY, TASK, BUG) else None),
        points_kind=(
            rng.choices((STORY_POINTS, STORY_POINT_ESTIMATE, NO_POINTS), (60, 6, 34))[0]
            if it in (STORY, TASK, BUG)
            else NO_POINTS
        ),
        pool=pool,
    )


def _reporter_and_creator(plan: SamplePlan, i: int) -> tuple[int, int, list[int]]:
    rng, people = plan.rng, plan.org.people
    a = plan.issues.assignee[i]
    team = plan.org.teams[plan.issues.team[i]]
    pool = [m for m in (team.manager, *team.members) if people[m].term is None] or [team.manager]
    if a >= 0 and rng.random() < 0.4:
        reporter = a
    else:
        x = rng.random()
        reporter = (
            team.manager if x < 0.45 else (rng.choice(plan.org.product_managers) if x < 0.7 else rng.choice(pool))
        )
    creator = reporter if rng.random() < 0.95 else rng.choice(pool)
    return reporter, creator, pool


def _timestamps(plan: SamplePlan, i: int) -> tuple[int, int, str]:
    """(updated, last viewed, due date): resolved issues settle within days, open ones keep changing."""
    rng, clock, issues = plan.rng, plan.clock, plan.issues
    c, r = issues.created[i], issues.resolved[i]
    last = r or c
    span = max(0, clock.last_minute - last)
    updated = last + rng.randint(0, min(span, (3 if r else 60) * MINUTES_PER_DAY))
    viewed = rng.randint(updated, clock.last_minute) if rng.random() < 0.15 else 0
    due = ""
    if issues.issue_type[i] != SUBTASK and rng.random() < 0.12:
        due_d = c // MINUTES_PER_DAY + rng.randint(7, 60)
        due = f"{clock.jira_date(due_d)} 12:00 AM"
    return updated, viewed, due


def _labels_and_components(plan: SamplePlan, i: int) -> tuple[list[str], list[str]]:
    """The stream's own rule first, neutral values after."""
    rng, issues = plan.rng, plan.issues
    s, mech = issues.stream[i], issues.mechanism[i]
    st_def: Stream | None = STREAMS[s] if s >= 0 else None
    labels: list[str] = []
    comps: list[str] = []
    # (a mobile issue may carry ios/android, a project-matched one its own stream's component)
    if mech == M_LABEL or (s == MOBILE and rng.random() < 0.4):
        labels.append(rng.choice(st_def.labels))
    if mech == M_COMPONENT or (mech == M_PROJECT and st_def and st_def.components and rng.random() < 0.3):
        comps.append(rng.choice(st_def.components))
    for lab in rng.sample(NEUTRAL_LABELS, rng.choices((0, 1, 2, 3), (40, 35, 18, 7))[0]):
        if len(labels) < 3:
            labels.append(lab)
    if rng.random() < 0.45 and len(comps) < 2:
        comps.append(rng.choice(PROJECTS[issues.project[i]][2]))
    return labels, comps
