"""A documentation repository that stresses the theme: 60-character CamelCase alert names as page
titles, file names and folder names, long owner names, a long "Needs attention" list (60 stale
runbooks), an alert answered by two runbooks (an alert page), an alias (a redirect page), a role, a
guide with a wide table and a long code line, and a stale runbook with a banner.

Used by test_browser_theme.py; `python3 theme_fixture.py DIR` writes it into DIR (for screenshots by
hand)."""
import os
import subprocess
import sys

# 60 characters each, CamelCase without a break opportunity
LONG = [
    "GuestVCPUQueueHighCriticalForTooLongInProductionClusterNodes",
    "VirtualMachineInstanceMigrationStuckInPendingPhaseForTooLong",
    "KubeVirtComponentExceedsRequestedMemoryLimitsOnControlPlanes",
    "HighCPUWorkloadOnVirtualMachineInstanceWithDedicatedCPUPinnd",
]
FOLDER = "VirtualMachineInstanceMigrationControllerAndGuestAgentBooksX"
assert all(len(n) == 60 for n in LONG + [FOLDER]), [len(n) for n in LONG + [FOLDER]]
OWNER = "team-virtualization-platform-guest-workloads-and-live-migration"
NOW = "2026-11-01"

CONFIG = """\
title: Platform Operations Handbook For The Virtualization Infrastructure Team
freshness:
  default_interval: 90d
"""


def _git(repo, *args, date=None, author="Ada Writer"):
    env = dict(os.environ)
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "HOME": repo, "GIT_AUTHOR_NAME": author,
                "GIT_AUTHOR_EMAIL": "ada@example.com", "GIT_COMMITTER_NAME": author,
                "GIT_COMMITTER_EMAIL": "ada@example.com"})
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date + "T09:00:00Z"
    subprocess.run(["git", "-C", repo, *args], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def _write(repo, rel, text):
    path = os.path.join(repo, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def runbook(name, alerts, owner=OWNER, criticality="critical", extra=""):
    return f"""---
title: {name}
description: What to do when {name} fires on a VirtualMachineInstanceReplicaSetControllerWorkqueue.
owner: {owner}
criticality: {criticality}
alerts: [{", ".join(alerts)}]
tags: [virtualization, {name}]
---
# {name}

## Meaning

The alert `{name}` fires when the guest vCPU queue of a virtual machine stays high.

## Impact

Guests become slow. See {name} in the dashboards.
{extra}
## Diagnosis

```bash
kubectl get vmi --all-namespaces -o jsonpath='{{range .items[*]}}{{.metadata.namespace}}/{{.metadata.name}}{{"\\n"}}{{end}}' | sort
```

## Mitigation

Move the guest to another node.
"""


GUIDE = """---
title: Reading KubeVirtComponentExceedsRequestedMemoryLimitsOnControlPlanes
description: A guide with a wide table and an unbroken URL.
owner: """ + OWNER + """
---
## Wide table

| Alert | Severity | Runbook | Notes |
|---|---|---|---|
| """ + LONG[0] + """ | critical | https://runbooks.example.com/alerts/""" + LONG[0] + """ | page the on-call |
| """ + LONG[1] + """ | warning | https://runbooks.example.com/alerts/""" + LONG[1] + """ | ticket |

## Link

See https://grafana.example.com/d/virtualization-guest-vcpu-queue/""" + LONG[0] + """?orgId=1&refresh=30s for the panel.

## Steps

Check the queue, then the node.
"""

ROLE = """---
title: VirtualizationPlatformSiteReliabilityEngineerForGuestWorkloads
type: role
description: Owns the virtualization runbooks.
tags: [role]
---
## Summary

Runs the KubeVirt clusters.
"""

HOME = """---
title: Platform Operations Handbook For The Virtualization Infrastructure Team
description: Runbooks for every alert of the virtualization platform.
---
Start with the [vCPU runbook](../runbooks/""" + FOLDER + "/" + LONG[0] + """.md), the [memory guide](guides/memory-limits.md) and the
[SRE role](roles/virtualization-sre.md).
"""


def make(repo):
    """Write the repository into `repo` (created) with dated commits."""
    os.makedirs(repo, exist_ok=True)
    _git(repo, "init", "-q", "-b", "main")
    _write(repo, "almanac.yml", CONFIG)
    _write(repo, "alerts.yml", "alerts:\n" + "".join(
        f"  - name: {n}\n    severity: critical\n    summary: The {n} condition lasted too long\n"
        for n in LONG + ["ControlPlaneNodeMemoryPressureWithEvictionThresholdReached60"]))
    # 60 stale runbooks, committed long ago: a long "Needs attention" list
    for i in range(60):
        name = f"StaleRunbookNumber{i:02d}ForGuestAgentConnectionLostAlertOnNodesX"
        _write(repo, f"runbooks/legacy/{name}.md", runbook(name, [name], criticality="low"))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Import the legacy runbooks", date="2025-06-01", author="Old Importer")
    # a stale runbook with a banner in the long folder, and the alert answered twice
    _write(repo, f"runbooks/{FOLDER}/{LONG[1]}.md", runbook(LONG[1], [LONG[1], LONG[3]]))
    # a stale page with nothing to list under its title (no owner, criticality, alerts or tags)
    _write(repo, "runbooks/bare-restart.md", "# Bare restart\n\nRestart the service.\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Add the migration runbook", date="2026-03-01")
    _write(repo, f"runbooks/{FOLDER}/{LONG[0]}.md",
           runbook(LONG[0], [LONG[0], LONG[3]], extra="\nAlso known as the old address.\n").replace(
               "tags:", f"aliases: [runbooks/old/{LONG[0]}.md]\ntags:"))
    _write(repo, f"runbooks/{FOLDER}/{LONG[2]}.md", runbook(LONG[2], [LONG[2]], criticality="high"))
    _write(repo, "content/index.md", HOME)
    # a page at the top level: a card with badges on the home page
    _write(repo, f"content/{LONG[3]}.md", runbook(LONG[3], [], criticality="medium").replace("alerts: []\n", "type: runbook\n"))
    _write(repo, "content/guides/memory-limits.md", GUIDE)
    _write(repo, "content/roles/virtualization-sre.md", ROLE)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Add pages", date="2026-10-20")


if __name__ == "__main__":
    make(sys.argv[1])
