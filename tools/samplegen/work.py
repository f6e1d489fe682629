"""The Jira issues of the sample org: who works on what, when, in which project and under which parent.

Each team gets an issue budget proportional to how long its people were employed in Jira's history.
A team's budget becomes leaf issues (stories, tasks, bugs) spread over each person's work mix and over
three periods (resolved recently, resolved before, still open), then epics over groups of those, then
sub-tasks.  The plan is held in compact ``array`` columns so that a million issues fit in little memory.
"""

from __future__ import annotations

import math
import random
from array import array
from dataclasses import dataclass

from tools.samplegen.catalog import (
    BUG,
    CHECKOUT,
    DATA,
    DATA_PROJECT,
    DONE,
    ENG_PROJECT,
    EPIC,
    IN_PROGRESS,
    IN_REVIEW,
    M_COMPONENT,
    M_EPIC,
    M_LABEL,
    M_PROJECT,
    PROJECT_INDEX,
    PROJECTS,
    STORY,
    STREAMS,
    SUBTASK,
    SUP_PROJECT,
    TASK,
    TODO,
    UNASSIGNED,
    UNMAPPED,
    VENDOR,
)
from tools.samplegen.clock import MINUTES_PER_DAY, Clock
from tools.samplegen.org import Org, Team, WorkMix
from tools.samplegen.sizing import alloc, even_split
from tools.samplegen.vocabulary import STREAM_OBJECTS, SUMMARY_TEMPLATES

RESOLVED_RECENTLY, RESOLVED_BEFORE, STILL_OPEN = 0, 1, 2
VENDOR_ISSUES = 8


@dataclass(slots=True)
class _Item:
    """One planned issue while its team is being planned (field order = the table's columns)."""

    issue_type: int
    assignee: int
    project: int
    stream: int
    mechanism: int
    created: int  # minutes
    resolved: int  # minutes, 0 if open
    status: int
    parent: int  # index of the parent item, -1 if none
    template: int  # index into SUMMARY_TEMPLATES[issue_type]
    subject: int  # index into STREAM_OBJECTS[stream]


@dataclass(frozen=True)
class _Worker:
    """One person's constraints while planning their issues."""

    pid: int
    lo: int  # first day they can have created an issue
    hi: int  # last day they can have touched one
    can_open: bool
    planted_term: bool  # the planted leaver who still has open issues
    mix: WorkMix


class IssueTable:
    """The issue plan, one ``array`` per column; an issue is its row number ``i``."""

    ITEM_COLUMNS = tuple(_Item.__slots__)

    def __init__(self) -> None:
        self.issue_type = array("b")
        self.assignee = array("i")
        self.project = array("b")
        self.stream = array("b")
        self.mechanism = array("b")
        self.created = array("i")
        self.resolved = array("i")
        self.status = array("b")
        self.parent = array("i")
        self.template = array("H")
        self.subject = array("H")
        self.team = array("i")
        self.team_range: dict[int, tuple[int, int]] = {}  # team index -> its rows [start, end)
        # filled in by assign_keys:
        self.order = array("i")  # rows by creation time
        self.ids = array("i")
        self.key_number = array("i")
        self.id_gaps: list[int] = []  # issue ids never used (deleted issues, in real Jira)

    def __len__(self) -> int:
        return len(self.issue_type)

    def append(self, item: _Item, team: int, row_offset: int) -> None:
        if item.parent >= 0:
            item.parent += row_offset
        for name in self.ITEM_COLUMNS:
            getattr(self, name).append(getattr(item, name))
        self.team.append(team)

    def key(self, i: int) -> str:
        return f"{PROJECTS[self.project[i]][0]}-{self.key_number[i]}"


def plan_issues(rng: random.Random, clock: Clock, org: Org, n_issues: int) -> IssueTable:
    return _IssuePlanner(rng, clock, org).plan(n_issues)


class _IssuePlanner:
    def __init__(self, rng: random.Random, clock: Clock, org: Org) -> None:
        self.rng = rng
        self.clock = clock
        self.org = org
        self.team_weights: dict[int, float] = {}

    def plan(self, n_issues: int) -> IssueTable:
        team_w = self._set_person_weights()
        budgets = alloc(self.rng, n_issues - VENDOR_ISSUES, team_w)
        table = IssueTable()
        for t, b in zip(self.org.teams, budgets, strict=True):
            start = len(table)
            items = self.plan_team(t, b) if b else []
            for item in items:
                table.append(item, t.idx, start)
            table.team_range[t.idx] = (start, len(table))
        self._plan_vendor_issues(table)
        assert len(table) == n_issues, (len(table), n_issues)
        self._assign_keys(table)
        return table

    # ------------------------------------------------------------------ people
    def _active_days(self, pid: int) -> tuple[int, int]:
        """First and last day a person can have worked on an issue."""
        p = self.org.people[pid]
        clock = self.clock
        lo = max(clock.day(p.hire) + 3, clock.day(clock.jira_start))
        hi = clock.as_of_day - 1
        if p.term is not None:
            hi = min(hi, clock.day(p.term) - 1)
        return lo, hi

    def _category_weights(self, pid: int) -> list[float]:
        """Expected share of [resolved recently, resolved before, still open] work for one person.

        Each part scales with how much of its period the person was employed, so everybody active
        through the recent window gets about the same number of recently resolved issues.
        """
        lo, hi = self._active_days(pid)
        if hi - lo < 14:
            return [0.0, 0.0, 0.0]
        as_of_day = self.clock.as_of_day
        w_lo, o_hi = as_of_day - 88, as_of_day - 92
        recent = max(0, hi - max(lo, w_lo)) / 88
        old = max(0, min(hi, o_hi) - lo) / max(1, o_hi - self.clock.day(self.clock.jira_start))
        p = self.org.people[pid]
        planted_term = pid == self.org.planted.terminated_assignee
        open_ = 1.0 if p.term is None else (0.8 if planted_term else 0.0)
        return [0.40 * recent, 0.40 * old, 0.20 * open_]

    def _weight(self, pid: int) -> float:
        boost = self.org.weight_boost.get(pid, 1.0)
        return sum(self._category_weights(pid)) * self.rng.uniform(0.8, 1.2) * boost

    def _set_person_weights(self) -> list[float]:
        """Each person's share of the issues (managers file a few); returns each team's total."""
        team_w = []
        for t in self.org.teams:
            w = 0.0
            for pid in (t.manager, *t.members):
                x = 0.0 if t.role == "noitems" else self._weight(pid)
                if pid == t.manager:
                    x *= 0.08
                self.team_weights[pid] = x
                w += x
            team_w.append(w)
        return team_w

    def _worker(self, pid: int) -> _Worker:
        lo, hi = self._active_days(pid)
        planted_term = pid == self.org.planted.terminated_assignee
        can_open = self.org.people[pid].term is None or planted_term
        return _Worker(pid, lo, hi, can_open, planted_term, self.org.mix[pid])

    # ------------------------------------------------------------------ one issue
    def _timing(self, cat: int, lo: int, hi: int, force_open_status: bool = False) -> tuple[int, int, int]:
        """(created, resolved, status) in minutes, for an issue of category cat made between days lo and hi."""
        rng = self.rng
        as_of_day = self.clock.as_of_day
        if cat == STILL_OPEN:
            cd = rng.randint(max(lo, as_of_day - 200), hi)
            c = cd * MINUTES_PER_DAY + rng.randint(480, 1130)
            if force_open_status:
                st = rng.choice((IN_PROGRESS, IN_PROGRESS, IN_REVIEW))
            else:
                st = rng.choices((TODO, IN_PROGRESS, IN_REVIEW), (45, 40, 15))[0]
            return c, 0, st
        if cat == RESOLVED_RECENTLY:
            a, b = max(as_of_day - 88, lo + 1), hi
        else:
            a, b = lo + 1, min(as_of_day - 92, hi)
        rd = rng.randint(a, b)
        cd = max(lo, rd - min(int(rng.expovariate(1 / 8.0)), 75))
        c = cd * MINUTES_PER_DAY + rng.randint(480, 1130)
        r = rd * MINUTES_PER_DAY + rng.randint(480, 1139)
        if r <= c:
            r = c + rng.randint(15, 240)
        return c, r, DONE

    def _feasible(self, cat: int, lo: int, hi: int, can_open: bool) -> bool:
        as_of_day = self.clock.as_of_day
        if cat == RESOLVED_RECENTLY:
            return max(as_of_day - 88, lo + 1) <= hi
        if cat == RESOLVED_BEFORE:
            return lo + 1 <= min(as_of_day - 92, hi)
        return can_open and max(lo, as_of_day - 200) <= hi

    def _placement(self, s: int, team: Team) -> tuple[int, int]:
        """(project, mechanism): where a team's issue of stream s lives and which rule maps it to s."""
        if s == UNMAPPED:
            return (ENG_PROJECT if self.rng.random() < 0.7 else SUP_PROJECT), M_PROJECT
        st = STREAMS[s]
        if st.epic_rule:
            return DATA_PROJECT, M_EPIC
        if st.projects and PROJECT_INDEX[st.projects[0]] == team.home:
            return team.home, M_PROJECT
        if st.components:
            return team.home, M_COMPONENT
        if st.labels:
            return team.home, M_LABEL
        return PROJECT_INDEX[st.projects[0]], M_PROJECT

    def _new_item(self, itype: int, assignee: int, proj: int, s: int, mech: int, c: int, r: int, st: int) -> _Item:
        template = self.rng.randrange(len(SUMMARY_TEMPLATES[itype]))
        subject = self.rng.randrange(len(STREAM_OBJECTS[s]))
        return _Item(itype, assignee, proj, s, mech, c, r, st, -1, template, subject)

    # ------------------------------------------------------------------ one team
    def plan_team(self, team: Team, budget: int) -> list[_Item]:
        items = self._plan_leaves(team, budget)
        self._unassign_some_backlog(items)
        n_leaves = len(items)
        self._plan_epics(team, items, budget)
        self._plan_subtasks(team, items, n_leaves, budget)
        return items

    def _plan_leaves(self, team: Team, budget: int) -> list[_Item]:
        workers = [team.manager, *team.members]
        weights = [self.team_weights[pid] for pid in workers]
        n_leaves = budget if budget < 4 else round(budget * 0.81)
        items: list[_Item] = []
        for pid, n in zip(workers, alloc(self.rng, n_leaves, weights), strict=True):
            if n:
                self._plan_person_leaves(team, self._worker(pid), n, items)
        return items

    def _plan_person_leaves(self, team: Team, w: _Worker, n: int, items: list[_Item]) -> None:
        """n issues for one person, split over the three periods and then over their work mix."""
        probs = [
            p if self._feasible(k, w.lo, w.hi, w.can_open) else 0.0 for k, p in enumerate(self._category_weights(w.pid))
        ]
        for cat, k in enumerate(alloc(self.rng, n, probs)):
            streams = alloc(self.rng, k, [share for _, share in w.mix])
            for (s, _), m in zip(w.mix, streams, strict=True):
                for _ in range(m):
                    item = self._plan_leaf(team, w, cat, s)
                    if item is not None:
                        items.append(item)

    def _plan_leaf(self, team: Team, w: _Worker, cat: int, s: int) -> _Item | None:
        lo, hi, can_open = w.lo, w.hi, w.can_open
        slo = lo
        if s >= 0 and STREAMS[s].age_days is not None:
            slo = max(lo, self.clock.as_of_day - STREAMS[s].age_days)
        c_eff = cat
        if not self._feasible(c_eff, slo, hi, can_open):
            c_eff = next((x for x in (0, 2, 1) if self._feasible(x, slo, hi, can_open)), -1)
        s_eff = s
        if c_eff < 0:  # stream started after this person left: do primary work instead
            s_eff, slo, c_eff = w.mix[0][0], lo, cat
            if STREAMS[s_eff].age_days is not None or not self._feasible(c_eff, lo, hi, can_open):
                return None
        proj, mech = self._placement(s_eff, team)
        if proj == SUP_PROJECT:
            itype = self.rng.choices((TASK, BUG), (40, 60))[0]
        else:
            itype = self.rng.choices((STORY, TASK, BUG), (50, 27, 23))[0]
        c, r, st = self._timing(c_eff, slo, hi, w.planted_term)
        return self._new_item(itype, w.pid, proj, s_eff, mech, c, r, st)

    def _unassign_some_backlog(self, items: list[_Item]) -> None:
        terminated_assignee = self.org.planted.terminated_assignee
        for it in items:
            if it.status == TODO and it.assignee != terminated_assignee and self.rng.random() < 0.5:
                it.assignee = UNASSIGNED

    # ------------------------------------------------------------------ epics
    def _plan_epics(self, team: Team, items: list[_Item], budget: int) -> None:
        """Group epic-eligible leaves by (stream, project, mechanism) and chunk each group by creation time."""
        groups = self._epic_groups(items)
        counts = self._epic_counts(groups, room=budget - len(items))
        leads = self._epic_leads(team)
        for g, idxs in groups.items():
            k = counts[g]
            if k == 0:
                continue
            idxs.sort(key=lambda i: items[i].created)
            lead = self.rng.choice(leads[g[0]]) if g[0] in leads else UNASSIGNED
            start = 0
            for ci, size in enumerate(even_split(len(idxs), k)):
                chunk = idxs[start : start + size]
                start += size
                items.append(self._new_epic(g, [items[i] for i in chunk], ci == k - 1, lead))
                for i in chunk:
                    items[i].parent = len(items) - 1

    def _epic_groups(self, items: list[_Item]) -> dict[tuple[int, int, int], list[int]]:
        groups: dict[tuple[int, int, int], list[int]] = {}
        for i, it in enumerate(items):
            if it.stream == UNMAPPED and it.project == SUP_PROJECT:
                continue
            p_under = 1.0 if it.mechanism == M_EPIC else (0.4 if it.issue_type == BUG else 0.72)
            if self.rng.random() < p_under:
                groups.setdefault((it.stream, it.project, it.mechanism), []).append(i)
        return groups

    @staticmethod
    def _epic_counts(groups: dict[tuple[int, int, int], list[int]], room: int) -> dict[tuple[int, int, int], int]:
        """How many epics each group gets: about one per 8-10 issues, trimmed to the budget left."""
        n_ep: dict[tuple[int, int, int], int] = {}
        for g, idxs in groups.items():
            if g[2] == M_EPIC:
                n_ep[g] = min(6, max(1, math.ceil(len(idxs) / 8)))
            else:
                n_ep[g] = math.ceil(len(idxs) / 10) if len(idxs) >= 3 else 0
        # an epic-matched stream keeps at least one epic, or its issues would match no rule
        while sum(n_ep.values()) > room:
            g = max(n_ep, key=lambda x: (n_ep[x] - (1 if x[2] == M_EPIC else 0), x))
            if n_ep[g] <= (1 if g[2] == M_EPIC else 0):
                break
            n_ep[g] -= 1
        return n_ep

    def _epic_leads(self, team: Team) -> dict[int, list[int]]:
        """Stream -> the team's active engineers who focus on it."""
        people, mix = self.org.people, self.org.mix
        leads: dict[int, list[int]] = {}
        for pid in team.members:
            if people[pid].term is None and len(mix[pid]) and mix[pid][0][1] > 0.8:
                leads.setdefault(mix[pid][0][0], []).append(pid)
        return leads

    def _new_epic(self, group: tuple[int, int, int], chunk: list[_Item], is_last: bool, lead: int) -> _Item:
        """An epic created shortly before its first issue; done when all its issues are (the last one maybe not)."""
        rng = self.rng
        first_created = min(it.created for it in chunk)
        c = first_created - rng.randint(1, 10) * MINUTES_PER_DAY
        c = (c // MINUTES_PER_DAY) * MINUTES_PER_DAY + rng.randint(480, 1000)
        if c >= first_created:
            c = first_created - 60
        done = all(it.resolved for it in chunk)
        if done and (not is_last or rng.random() < 0.5):
            last = max(it.resolved for it in chunk)
            r = last + rng.randint(0, min(3 * MINUTES_PER_DAY, max(0, self.clock.last_minute - last)))
            st = DONE
        else:
            r = 0
            st = IN_PROGRESS if any(it.status != TODO for it in chunk) else TODO
        assignee = lead if rng.random() < 0.65 else UNASSIGNED
        stream, project, mechanism = group
        return self._new_item(EPIC, assignee, project, stream, mechanism, c, r, st)

    # ------------------------------------------------------------------ sub-tasks
    def _plan_subtasks(self, team: Team, items: list[_Item], n_leaves: int, budget: int) -> None:
        """Sub-tasks under stories / tasks / bugs, same assignee, inside the parent's lifetime."""
        n_sub = budget - len(items)
        # (shared people's issues get no sub-tasks, so their 50/50 split stays exact)
        shared = self.org.shared
        parents = [i for i in range(n_leaves) if items[i].assignee not in shared] or list(range(n_leaves))
        if not parents:  # nobody could take work (all left before the stream started): open backlog
            self._plan_open_backlog(team, items, n_sub)
            return
        for _ in range(n_sub):
            pi = self.rng.choice(parents)
            sub = self._new_subtask(items[pi])
            sub.parent = pi
            items.append(sub)

    def _new_subtask(self, par: _Item) -> _Item:
        rng = self.rng
        pc, pr, a = par.created, par.resolved, par.assignee
        if a >= 0:
            _, hi = self._active_days(a)
            hi_t = hi * MINUTES_PER_DAY + 1439
        else:
            hi_t = self.clock.last_minute
        if pr:
            c = pc + rng.randint(1, max(1, min((pr - pc) // 2, 3 * MINUTES_PER_DAY)))
            r = rng.randint(c + 1, pr) if pr > c else pr
            st = DONE
        else:
            c = pc + rng.randint(1, max(1, min(hi_t - pc, 5 * MINUTES_PER_DAY)))
            if rng.random() < 0.5 and c + 30 < hi_t:
                r, st = rng.randint(c + 30, hi_t), DONE
            else:
                r, st = 0, (IN_PROGRESS if par.status != TODO else TODO)
        return self._new_item(SUBTASK, a, par.project, par.stream, par.mechanism, c, r, st)

    def _plan_open_backlog(self, team: Team, items: list[_Item], n: int) -> None:
        s = team.primary if STREAMS[team.primary].age_days is None else DATA
        proj, mech = self._placement(s, team)
        as_of_day = self.clock.as_of_day
        for _ in range(n):
            c, r, _ = self._timing(STILL_OPEN, as_of_day - 100, as_of_day - 1)
            items.append(self._new_item(TASK, UNASSIGNED, proj, s, mech, c, r, TODO))

    # ------------------------------------------------------------------ whole table
    def _plan_vendor_issues(self, table: IssueTable) -> None:
        """The agency contractor who is not in the HRIS: a few checkout issues, some open."""
        as_of_day = self.clock.as_of_day
        checkout_team = self.org.planted.spread_teams[0].idx
        start = len(table)
        for k in range(VENDOR_ISSUES):
            cat = RESOLVED_RECENTLY if k < 5 else STILL_OPEN
            c, r, st = self._timing(cat, as_of_day - 200, as_of_day - 1, force_open_status=True)
            itype = self.rng.choice((TASK, BUG))
            item = self._new_item(itype, VENDOR, PROJECT_INDEX["CHK"], CHECKOUT, M_PROJECT, c, r, st)
            table.append(item, checkout_team, start)

    def _assign_keys(self, table: IssueTable) -> None:
        """Issue ids and per-project key numbers in creation order, with the odd gap of deleted ids."""
        rng = self.rng
        n = len(table)
        order = array("i", sorted(range(n), key=table.created.__getitem__))
        ids = array("i", bytes(4 * n))
        key_number = array("i", bytes(4 * n))
        counters = [0] * len(PROJECTS)
        next_id = 10001
        gaps = []
        for i in order:
            if rng.random() < 0.03:
                gap = rng.randint(1, 4)
                gaps.extend(range(next_id, next_id + gap))
                next_id += gap
            ids[i] = next_id
            next_id += 1
            p = table.project[i]
            counters[p] += 1
            key_number[i] = counters[p]
        table.order, table.ids, table.key_number, table.id_gaps = order, ids, key_number, gaps
