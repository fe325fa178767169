#!/usr/bin/env python3
"""Copy arm64 ELF programs with the shared libraries they load.

    arm64-libs.py --stage DIR --lib-root ROOT [--lib-root ROOT...] \
                  SRC:DEST [SRC:DEST...]

Each SRC is copied to DIR/DEST; its DT_NEEDED libraries, and theirs, are
looked up in each ROOT's lib/aarch64-linux-gnu and usr/lib/aarch64-linux-gnu
(first ROOT first) and copied to DIR/lib/aarch64-linux-gnu, with the
dynamic loader as DIR/lib/ld-linux-aarch64.so.1.  Prints what it copied.
Uses aarch64-linux-gnu-readelf; fails on a library it cannot find.
"""
import argparse
import os
import shutil
import subprocess
import sys

LIBDIRS = ("lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib")
LOADER = "ld-linux-aarch64.so.1"


def needed(path):
    out = subprocess.run(["aarch64-linux-gnu-readelf", "-d", path], check=True,
                         capture_output=True, text=True).stdout
    return [line.split("[", 1)[1].split("]", 1)[0]
            for line in out.splitlines() if "(NEEDED)" in line]


def find(name, roots):
    for root in roots:
        for d in LIBDIRS:
            p = os.path.join(root, d, name)
            if os.path.exists(p):
                return os.path.realpath(p)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage", required=True)
    ap.add_argument("--lib-root", action="append", default=[])
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    todo, seen, copied = [], set(), []
    for spec in a.files:
        src, dest = spec.split(":", 1)
        dst = os.path.join(a.stage, dest.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        todo.append(src)
    libdir = os.path.join(a.stage, "lib/aarch64-linux-gnu")
    os.makedirs(libdir, exist_ok=True)
    while todo:
        for name in needed(todo.pop()):
            if name in seen:
                continue
            seen.add(name)
            path = find(name, a.lib_root)
            if not path:
                sys.exit(f"arm64-libs: {name} not found in {a.lib_root}")
            shutil.copy2(path, os.path.join(libdir, name))
            copied.append(name)
            todo.append(path)
    loader = find(LOADER, a.lib_root)
    if not loader:
        sys.exit(f"arm64-libs: no {LOADER}")
    shutil.copy2(loader, os.path.join(a.stage, "lib", LOADER))
    size = sum(os.path.getsize(os.path.join(libdir, n)) for n in copied)
    print(f"arm64-libs: {len(copied)} libraries ({size // 1024} KiB) and {LOADER}")


if __name__ == "__main__":
    main()
