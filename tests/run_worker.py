"""A long-lived process that runs the job on request, so a test can race many runs without paying Python's,
Dagster's and Great Expectations' start-up for each one.

Reads one JSON request per line on stdin ({"db": ..., "as_of": ...}); on "go" lines it runs the small org into
that database and answers one JSON line: {"published": true, "pid": ...} or {"published": false, "error": ...}.
"""

import json
import os
import sys
from datetime import date
from pathlib import Path

from orghealth.errors import OrgHealthError
from tests.conftest import run_small_org


def main() -> None:
    print(json.dumps({"ready": True, "pid": os.getpid()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        try:
            run_small_org(Path(request["db"]), as_of=date.fromisoformat(request["as_of"]))
            answer = {"published": True}
        except OrgHealthError as exc:
            answer = {"published": False, "error": str(exc)}
        print(json.dumps(answer | {"pid": os.getpid()}), flush=True)


if __name__ == "__main__":
    main()
