"""The yardstick: how the Python original waits for a commit's CI on GitHub.

A minimal equivalent of GitHubCIAdapter.wait_for_commit_ci in
pace/platforms/github.py of pace-framework-org/pace-framework-starter: one
``requests.get`` of the commit's check runs per poll (first page only, no
conditional request, a new connection each time), ``time.sleep(interval)``
between polls, until every run is completed. The base URL is a parameter so
that it runs against the bench's local server.

Usage: python3 yardstick.py API_URL OWNER/REPO SHA INTERVAL_SECONDS TIMEOUT_MINUTES
(GITHUB_TOKEN from the environment). Prints the conclusion; exit 0 on success.
"""

import os
import sys
import time

import requests


def wait_for_commit_ci(api, repo, token, sha, interval, timeout_minutes):
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    deadline = time.time() + timeout_minutes * 60
    while time.time() < deadline:
        try:
            resp = requests.get(
                f"{api}/repos/{repo}/commits/{sha}/check-runs", headers=headers, timeout=15
            )
            resp.raise_for_status()
            runs = resp.json().get("check_runs", [])
        except Exception as e:  # as the original: log, sleep, poll again
            print(f"[GitHub] API error: {e}", file=sys.stderr)
            time.sleep(interval)
            continue
        if not runs or any(r.get("status") != "completed" for r in runs):
            time.sleep(interval)
            continue
        conclusions = [r.get("conclusion", "") for r in runs]
        if any(c in ("failure", "timed_out", "action_required") for c in conclusions):
            return "failure"
        if all(c in ("success", "neutral", "skipped") for c in conclusions):
            return "success"
        if any(c == "cancelled" for c in conclusions):
            return "cancelled"
        return "failure"
    return "timeout"


def main():
    api, repo, sha, interval, timeout_minutes = sys.argv[1:6]
    conclusion = wait_for_commit_ci(
        api.rstrip("/"), repo, os.environ.get("GITHUB_TOKEN", ""), sha,
        float(interval), float(timeout_minutes),
    )
    print(conclusion)
    sys.exit(0 if conclusion == "success" else 1)


if __name__ == "__main__":
    main()
