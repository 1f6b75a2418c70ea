#!/usr/bin/env python3
"""Checks the relative links of README.md and docs/**/*.md (the ctest test docs_links).

Every relative link target must exist inside the repository (a file or a folder); a link into
another markdown file with an #anchor must name a heading of that file, and a bare #anchor a
heading of the same file (GitHub's heading ids: lower case, punctuation dropped, spaces to '-',
"-1", "-2" for repeats). Links with a scheme (https:, mailto:) are not checked. Fenced code
blocks and inline code are skipped. Exits 1 and lists every broken link, else 0.

usage: check_links.py [REPO_ROOT]   (default: the repository this script is in)
"""
import os
import re
import sys
import urllib.parse

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target "title") and ![alt](target); the text may hold one level of brackets.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HTML_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def markdown_files(root):
    files = [os.path.join(root, "README.md")]
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, "docs")):
        dirnames.sort()
        files += [os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith(".md")]
    return [f for f in files if os.path.isfile(f)]


def prose_lines(text):
    """(line number, line) outside fenced code blocks, with inline code removed."""
    fence = None
    for n, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif m.group(1) == fence:
                fence = None
            continue
        if fence is None:
            yield n, line


def slug(heading):
    """GitHub's id of a heading: markup dropped, lower case, only letters, digits, '-', '_' and
    spaces kept, spaces turned into '-'."""
    text = INLINE_CODE.sub(lambda m: m.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"<[^>]+>", "", text)                     # inline HTML
    text = text.replace("*", "").replace("~", "")
    text = text.strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in " -_")
    return text.replace(" ", "-")


_anchor_cache = {}


def anchors(path):
    if path not in _anchor_cache:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        seen = {}
        ids = set()
        for _, line in prose_lines(text):
            m = HEADING.match(line)
            if not m:
                continue
            base = slug(m.group(2))
            n = seen.get(base, 0)
            seen[base] = n + 1
            ids.add(base if n == 0 else f"{base}-{n}")
        ids |= set(re.findall(r"""<a\s+(?:name|id)\s*=\s*["']([^"']+)["']""", text))
        _anchor_cache[path] = ids
    return _anchor_cache[path]


def links(text):
    """(line number, target) of every link; link text may run over several lines."""
    lines = [""] * len(text.splitlines())
    for n, line in prose_lines(text):
        lines[n - 1] = INLINE_CODE.sub("", line)
    prose = "\n".join(lines)
    found = []
    for m in INLINE_LINK.finditer(prose):
        found.append((prose.count("\n", 0, m.start()) + 1, m.group(1)))
    for n, line in enumerate(lines, 1):
        m = REF_DEF.match(line)
        if m:
            found.append((n, m.group(1)))
        for m in HTML_ATTR.finditer(line):
            found.append((n, m.group(1)))
    return sorted(found)


def check(root):
    root = os.path.realpath(root)
    broken = []
    checked = 0
    for md in markdown_files(root):
        with open(md, encoding="utf-8") as f:
            text = f.read()
        rel_md = os.path.relpath(md, root)
        for n, target in links(text):
            target = target.strip("<>")
            if not target or SCHEME.match(target):
                continue
            checked += 1
            path, _, anchor = target.partition("#")
            path = urllib.parse.unquote(path)
            dest = md if not path else os.path.realpath(os.path.join(os.path.dirname(md), path))
            where = f"{rel_md}:{n}: {target}"
            if dest != root and not dest.startswith(root + os.sep):
                broken.append(f"{where}: points outside the repository")
            elif not os.path.exists(dest):
                broken.append(f"{where}: no such file or folder")
            elif anchor and dest.endswith(".md") and os.path.isfile(dest):
                if urllib.parse.unquote(anchor).lower() not in anchors(dest):
                    broken.append(f"{where}: no heading #{anchor} in {os.path.relpath(dest, root)}")
    return checked, broken


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    checked, broken = check(root)
    for b in broken:
        print(f"broken link: {b}")
    print(f"{checked} relative links checked, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
