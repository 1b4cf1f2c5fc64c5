"""Complete package-lock.json with the other platforms' optional packages that `npm install` left out.

The registry this project installs from serves only the packages for the platform at hand; `npm install` then
omits the other platforms' optional binaries (opencode-darwin-arm64, ...) from the lock, and `npm ci` refuses a
lock that misses them. Each is added back as an optional entry limited to its own os/cpu/libc, which `npm ci`
skips on every other platform without fetching it. Run after `npm install`: python3 complete-lock.py
"""

import json
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE / "package-lock.json"


def missing() -> list[str]:
    out = subprocess.run(["npm", "ci", "--dry-run", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True,
                         text=True)
    names = []
    for line in (out.stdout + out.stderr).splitlines():
        if "Missing: " in line and "from lock file" in line:
            names.append(line.split("Missing: ", 1)[1].split("@ from lock file")[0])
    return list(dict.fromkeys(names))


def platform_of(name: str) -> dict:
    os_ = "darwin" if "darwin" in name else "win32" if ("win32" in name or "windows" in name) else "linux"
    entry = {"os": [os_], "cpu": ["arm64" if "arm64" in name else "x64"]}
    if "musl" in name:
        entry["libc"] = ["musl"]
    return entry


def main() -> None:
    lock = json.loads(LOCK.read_text())
    packages = lock["packages"]
    specs: dict[str, str] = {}
    for info in packages.values():
        for name, spec in (info.get("optionalDependencies") or {}).items():
            specs.setdefault(name, spec)
    names = missing()
    for name in names:
        packages[f"node_modules/{name}"] = {"version": specs[name], "optional": True, **platform_of(name)}
    LOCK.write_text(json.dumps(lock, indent=2) + "\n")
    print(f"added {len(names)} optional entries: {' '.join(names) or '-'}")


if __name__ == "__main__":
    main()
