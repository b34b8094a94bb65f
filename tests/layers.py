"""layers.py: the source tree keeps its layers.

Reads every `#include "..."` under src/ and fails, naming the file and
line, on:
- an include that does not name its layer (`"store.h"` rather than
  `"store/store.h"`), or names a file that does not exist;
- an include of a higher layer (the order is LAYERS, bottom up; ctl and
  daemon are both on top and may not include each other);
- a cycle between modules (a module is a folder's x.c and x.h together).

Run by make check; `python3 tests/layers.py [SRCDIR]` by hand.
"""

import os
import re
import sys

# Bottom up. A layer may include its own headers and those of any layer
# before it in this list; the last two are both on top.
LAYERS = ["base", "codec", "config", "store", "core", "send", "chan",
          "officials", "ctl", "daemon"]
TOPS = ("ctl", "daemon")

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def rank(layer):
    return LAYERS.index(layer)


def may_include(src, dst):
    """May a file of layer src include a header of layer dst?"""
    if src == dst:
        return True
    if dst in TOPS:
        return False
    return rank(dst) < rank(src)


def module(path):
    """"core/dialog.c" -> "core/dialog"."""
    return os.path.splitext(path)[0]


def scan(srcdir):
    """[(file, line number, included path)] for every local include."""
    out = []
    for layer in sorted(os.listdir(srcdir)):
        d = os.path.join(srcdir, layer)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith((".c", ".h")):
                continue
            rel = "%s/%s" % (layer, name)
            with open(os.path.join(d, name), encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if m:
                        out.append((rel, n, m.group(1)))
    return out


def check(srcdir):
    """Every finding, as "file:line: reason" lines."""
    bad = []
    for name in sorted(os.listdir(srcdir)):
        if os.path.isfile(os.path.join(srcdir, name)) and name.endswith((".c", ".h")):
            bad.append("%s: a source file outside the layer folders" % name)
        elif os.path.isdir(os.path.join(srcdir, name)) and name not in LAYERS:
            bad.append("%s/: a folder that is not a layer (%s)" % (name, ", ".join(LAYERS)))
    edges = {}
    where = {}
    for rel, n, inc in scan(srcdir):
        src = rel.split("/")[0]
        if "/" not in inc:
            bad.append("src/%s:%d: #include \"%s\" does not name its layer" % (rel, n, inc))
            continue
        dst = inc.split("/")[0]
        if dst not in LAYERS or not os.path.exists(os.path.join(srcdir, inc)):
            bad.append("src/%s:%d: #include \"%s\": no such header" % (rel, n, inc))
            continue
        if src not in LAYERS:
            continue
        if not may_include(src, dst):
            bad.append("src/%s:%d: #include \"%s\": %s may not include %s"
                       % (rel, n, inc, src, dst))
        a, b = module(rel), module(inc)
        if a != b:
            edges.setdefault(a, set()).add(b)
            where.setdefault((a, b), "src/%s:%d" % (rel, n))
    for cycle in cycles(edges):
        steps = ["%s (%s)" % (b, where[(a, b)]) for a, b in zip(cycle, cycle[1:] + cycle[:1])]
        bad.append("include cycle: %s -> %s" % (cycle[0], " -> ".join(steps)))
    return bad


def cycles(edges):
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index, low, on, stack, comps = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    out = []
    for comp in comps:
        members = set(comp)
        # A path back to the start inside the component: breadth first.
        start = min(comp)
        prev = {start: None}
        queue = [start]
        found = None
        while queue and found is None:
            v = queue.pop(0)
            for w in sorted(edges.get(v, ())):
                if w == start:
                    found = v
                    break
                if w in members and w not in prev:
                    prev[w] = v
                    queue.append(w)
        path = []
        v = found
        while v is not None:
            path.append(v)
            v = prev[v]
        out.append(list(reversed(path)))
    return out


def main():
    srcdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.environ.get("CHECKIND_SRCDIR", os.path.join(os.path.dirname(__file__), "..")), "src")
    bad = check(srcdir)
    n = len(scan(srcdir))
    for line in bad:
        print(line)
    print("layers: %d includes read, %d findings" % (n, len(bad)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
