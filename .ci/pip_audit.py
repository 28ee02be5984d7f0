"""`make security`: pip-audit over requirements.txt when its vulnerability database (PyPI's JSON API with the
advisories) answers; otherwise a printed reason and success, not a failure. The probe asks for a release known to
have advisories (Django 2.2): a mirror or proxy that serves package pages without them counts as unreachable,
since pip-audit would then report every package as "not found" and audit nothing."""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

PROBE = "https://pypi.org/pypi/django/2.2/json"


def database_reachable() -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(PROBE, timeout=10) as response:  # noqa: S310 — a fixed https URL
            advisories = json.load(response).get("vulnerabilities")
    except Exception as exc:  # noqa: BLE001 — any failure means the database is not usable from here
        return False, f"{PROBE} did not answer ({exc.__class__.__name__}: {exc})"
    if not advisories:
        return False, f"{PROBE} answered without the advisories (a mirror without the vulnerability data)"
    return True, "ok"


def main() -> int:
    reachable, reason = database_reachable()
    if not reachable:
        print(f"security: pip-audit SKIPPED — its vulnerability database is unreachable: {reason}")
        return 0
    root = Path(__file__).resolve().parent.parent
    command = [
        str(Path(sys.executable).parent / "pip-audit"),
        "--requirement",
        str(root / "requirements.txt"),
        "--no-deps",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--strict",
    ]
    print("security:", " ".join(command))
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
