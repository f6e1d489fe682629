"""``planted.json``: the ids of everything planted in the sample, so that tests can refer to them."""

from __future__ import annotations

import json
from pathlib import Path

from tools.samplegen.catalog import DANGLING_LINK_KEY, RECENT_DAYS, UNKNOWN_ASSIGNEE
from tools.samplegen.plan import SamplePlan


def write_planted(plan: SamplePlan, path: Path, csv_issues: int, json_issues: int) -> None:
    data = {
        **_run(plan, csv_issues, json_issues),
        **_org_patterns(plan),
        **_identity_patterns(plan),
        **_dirty_data(plan),
        "gdpr_epics": plan.gdpr_epic_keys(),
        "names": _names(plan),
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")


def _run(plan: SamplePlan, csv_issues: int, json_issues: int) -> dict:
    return {
        "seed": plan.seed,
        "as_of": plan.as_of.isoformat(),
        "recent_window_days": RECENT_DAYS,
        "people": plan.n_people,
        "issues": plan.n_issues,
        "csv_issues": csv_issues,
        "json_issues": json_issues,
    }


def _org_patterns(plan: SamplePlan) -> dict:
    people, planted = plan.org.people, plan.org.planted

    def eid(pid: int) -> str:
        return people[pid].eid

    return {
        "spread_leader": eid(planted.spread_leader),
        "spread_leader_streams": ["checkout", "merchant-dashboard"],
        "spread_team_managers": [eid(t.manager) for t in planted.spread_teams],
        "oversized_team_manager": eid(planted.oversized_team.manager),
        "project_team_manager": eid(planted.project_team.manager),
        "project_stream": "gdpr-retention",
        "hub_team_manager": eid(planted.hub_team.manager),
        "hub_blocked_team_managers": [eid(x) for x in plan.links.hub_targets],
        "shared_people": [eid(x) for x in planted.shared_people],
    }


def _identity_patterns(plan: SamplePlan) -> dict:
    people, planted = plan.org.people, plan.org.planted

    def eid(pid: int) -> str:
        return people[pid].eid

    aliased = (
        (planted.aliased_name, people[planted.aliased_name].account_id),
        (planted.aliased_account, people[planted.aliased_account].jira_name),
    )
    return {
        "unknown_assignee": UNKNOWN_ASSIGNEE,
        "terminated_assignee": eid(planted.terminated_assignee),
        "terminated_stl": eid(planted.terminated_stl),
        "terminated_stl_stream": "reporting",
        "empty_stl_stream": "notifications",
        "aliased": [eid(planted.aliased_name), eid(planted.aliased_account)],
        "alias_details": [
            {
                "employee_id": eid(pid),
                "hris_name": people[pid].name,
                "jira_display_name": people[pid].jira_name,
                "alias_key": key,
            }
            for pid, key in aliased
        ],
        "mixed_case_email": {
            "employee_id": eid(planted.mixed_case_email),
            "jira_email": people[planted.mixed_case_email].jira_email,
        },
        "team_of_one_manager": eid(planted.team_of_one.manager),
        "leader_without_items": eid(planted.team_without_items.manager),
    }


def _dirty_data(plan: SamplePlan) -> dict:
    org, issues, links = plan.org, plan.issues, plan.links
    return {
        "malformed_hris_line": org.malformed_line,
        "malformed_hris_employee": org.people[org.malformed].eid,
        "external_parent": {"issue_key": issues.key(links.external), "parent_id": str(links.external_parent_id)},
        "dangling_link": {
            "issue_key": issues.key(links.dangling),
            "other_key": DANGLING_LINK_KEY,
            "link_type": "Blocks",
            "direction": "inward",
        },
    }


def _names(plan: SamplePlan) -> dict[str, str]:
    """HRIS names of the planted people, so that a reader of the README can find them."""
    people, planted = plan.org.people, plan.org.planted
    pids = (
        planted.spread_leader,
        planted.oversized_team.manager,
        planted.project_team.manager,
        planted.hub_team.manager,
        planted.terminated_assignee,
        planted.terminated_stl,
        planted.team_of_one.manager,
        planted.team_without_items.manager,
        planted.aliased_name,
        planted.aliased_account,
        *planted.shared_people,
        plan.org.malformed,
    )
    return {people[pid].eid: people[pid].name for pid in pids}
