"""``hris_people.csv``: an HRIS people export (UTF-8 with BOM, CRLF, minimal quoting, US dates).

Rows are in employee-id order; one row carries the unparseable hire date ``31/31/2020``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tools.samplegen.catalog import MALFORMED_HIRE_DATE
from tools.samplegen.plan import SamplePlan

HRIS_HEADER = [
    "Employee ID",
    "Full Name",
    "Work Email",
    "Manager ID",
    "Job Title",
    "Department",
    "Team",
    "Location",
    "Employment Type",
    "Hire Date",
    "Termination Date",
    "Status",
]


def write_hris_csv(plan: SamplePlan, path: Path) -> None:
    org = plan.org
    people = org.people
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        w.writerow(HRIS_HEADER)
        for pid in org.hris_order:
            p = people[pid]
            hire = MALFORMED_HIRE_DATE if pid == org.malformed else p.hire.strftime("%m/%d/%Y")
            w.writerow(
                [
                    p.eid,
                    p.name,
                    p.email,
                    people[p.manager].eid if p.manager is not None else "",
                    p.title,
                    p.dept,
                    p.team,
                    p.location,
                    p.emp_type,
                    hire,
                    p.term.strftime("%m/%d/%Y") if p.term else "",
                    "Terminated" if p.term else "Active",
                ]
            )
