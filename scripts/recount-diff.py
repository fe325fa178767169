#!/usr/bin/env python3
"""Recount the line numbers in every hunk header of a unified diff, in
place, after the hunks were edited by hand (kvm-glue/series/*/hooks.diff)."""
import re
import sys


def recount(lines):
    for i, line in enumerate(lines):
        m = re.match(r'@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)', line)
        if not m:
            continue
        old = new = 0
        for body in lines[i + 1:]:
            if body.startswith(('@@', 'diff --git')):
                break
            if body.startswith('+'):
                new += 1
            elif body.startswith('-'):
                old += 1
            elif body.startswith((' ', '\\')) or body == '':
                if body.startswith('\\'):
                    continue
                old += 1
                new += 1
        lines[i] = '@@ -%s,%d +%s,%d @@%s' % (m.group(1), old, m.group(2), new, m.group(3))
    return lines


for path in sys.argv[1:]:
    text = open(path).read()
    lines = text.split('\n')
    trailing = lines[-1] == ''
    if trailing:
        lines = lines[:-1]
    open(path, 'w').write('\n'.join(recount(lines)) + ('\n' if trailing else ''))
