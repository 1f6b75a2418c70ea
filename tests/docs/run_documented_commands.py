#!/usr/bin/env python3
"""Runs every `$R ...` command of the shell blocks in docs/getting-started.md, as a new user would
from a fresh clone, and fails when one exits non-zero or a command that writes a file (-o) leaves
none. Usage: run_documented_commands.py REPO_ROOT RAFTER_BINARY."""
import os
import re
import shlex
import subprocess
import sys
import tempfile


def documented_commands(markdown):
    """The lines starting with `$R ` inside ```sh blocks, with their line numbers."""
    cmds, in_sh = [], False
    for number, line in enumerate(markdown.splitlines(), 1):
        if line.startswith("```"):
            in_sh = line.strip() == "```sh" and not in_sh
            continue
        if in_sh and line.startswith("$R "):
            cmds.append((number, line[3:].strip()))
    return cmds


def main():
    root, rafter = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    doc = os.path.join(root, "docs", "getting-started.md")
    with open(doc, encoding="utf-8") as f:
        cmds = documented_commands(f.read())
    if not cmds:
        print(f"{doc}: no $R commands found in sh blocks")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix="rafter-docs-") as work:
        # The commands name repository paths (examples/...): the scratch folder sees them there,
        # and whatever they write stays in the scratch folder.
        for entry in ("examples", "tests"):
            os.symlink(os.path.join(root, entry), os.path.join(work, entry))
        for number, cmd in cmds:
            args = shlex.split(cmd)
            res = subprocess.run([rafter] + args, cwd=work, capture_output=True, text=True, timeout=600)
            out_path = None
            if "-o" in args:
                out_path = os.path.join(work, args[args.index("-o") + 1])
            ok = res.returncode == 0 and (res.stdout.strip() or out_path)
            if ok and out_path and not os.path.exists(out_path):
                ok = False
            print(f"{'ok  ' if ok else 'FAIL'} getting-started.md:{number}: rafter {cmd} (exit {res.returncode})")
            if not ok:
                failures += 1
                print(res.stderr[-2000:])
            for a in args:  # a documented command must not depend on the test fixtures
                if a.startswith("tests/"):
                    failures += 1
                    print(f"FAIL getting-started.md:{number}: '{a}' is a test fixture; use a file under examples/")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
