"""Known vulnerabilities in the installed packages (pip-audit), summed up for `make lint`.

Fails when a vulnerability is known for an installed version. Packages that could not be
checked (no answer from the vulnerability database, as on machines that only reach a
package mirror) are listed as a warning, so that nobody mistakes "not checked" for "safe".
"""

import json
import subprocess  # runs pip-audit only  # nosec B404
import sys
import tempfile
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [str(Path(sys.executable).with_name("pip-audit")), "--skip-editable",
                   "--progress-spinner", "off", "--format", "json", "--output", str(report)]
        code = subprocess.run(command, check=False).returncode  # noqa: S603 - fixed arguments  # nosec B603
        if not report.exists():
            print("pip-audit produced no report", file=sys.stderr)
            return code or 1
        data = json.loads(report.read_text())
    packages = data.get("dependencies", [])
    vulnerable = [p for p in packages if p.get("vulns")]
    skipped = [p for p in packages if p.get("skip_reason")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} "
                  f"(fixed in {fixes})")
    checked = len(packages) - len(skipped)
    print(f"pip-audit: {checked} packages checked, {len(vulnerable)} with a known "
          f"vulnerability, {len(skipped)} not checked.")
    if skipped:
        names = ", ".join(sorted(p["name"] for p in skipped))
        print(f"WARNING: not checked (the vulnerability database did not answer): {names}",
              file=sys.stderr)
    return 1 if vulnerable else code


if __name__ == "__main__":
    sys.exit(main())
