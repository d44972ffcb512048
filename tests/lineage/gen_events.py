#!/usr/bin/env python3
"""Writes context lineage event files (docs/lineage-events.md, v1) for the
tests and bench/lineage.sh, until the Go package can record real ones.

The base stream is a correct program: requests, each on its own goroutine,
derive a timeout context from the server's (root:untracked), a WithValue
under it, a shorter query timeout and an RPC cancel context under that, and
end them all in order.  Requests overlap (--window of them at once), so the
reader sees many live contexts but no finding.

--inject KIND=N adds N independent instances of one mistake, each giving
exactly one finding of that kind (leakscope lineage's names):

  never-cancelled, live-at-end, new-root (the reader's own goroutine
  bookkeeping), new-root-held (the writer's "held" field), new-root-creator
  (a root made in a goroutine whose creator, the writer's "cg", holds a live
  context), cancel-lost, timeout-no-effect, value-deep (a chain of 11
  WithValue), late-end

--cg makes each request's root a context.Background() one carrying "cg"
(started by goroutine 1, which holds nothing): no finding, but every root
takes the reader's creator lookup.

  gen_events.py --events 10000000 -o big.jsonl
  gen_events.py --events 2000 --inject never-cancelled=3 --inject cancel-lost=2
"""
import argparse
import random
import sys

SITES = {
    "handle": ("main.(*Server).handle", "/src/app/handler.go", 20),
    "value": ("main.(*Server).handle", "/src/app/handler.go", 25),
    "query": ("main.(*Store).query", "/src/app/db.go", 40),
    "rpc": ("main.callRPC", "/src/app/rpc.go", 12),
    "never": ("main.startWorker", "/src/app/worker.go", 31),
    "live": ("main.poll", "/src/app/poll.go", 9),
    "retry": ("main.retry", "/src/app/retry.go", 55),
    "detached": ("main.audit", "/src/app/audit.go", 70),
    "lost": ("main.fanout", "/src/app/fanout.go", 18),
    "lostparent": ("main.fanoutAll", "/src/app/fanout.go", 10),
    "short": ("main.withBudget", "/src/app/budget.go", 5),
    "long": ("main.slowCall", "/src/app/budget.go", 14),
    "deep": ("main.decorate", "/src/app/mw.go", 61),
    "late": ("main.batch", "/src/app/batch.go", 44),
}


class Writer:
    def __init__(self, out):
        self.out = out
        self.buf = []
        self.t = 1795432800000000
        self.count = 0
        self.stacks = False

    def tick(self):
        self.t += 1
        return self.t

    def line(self, s):
        self.buf.append(s)
        self.count += 1
        if len(self.buf) >= 8192:
            self.flush()

    def flush(self):
        self.out.write("\n".join(self.buf))
        self.out.write("\n")
        self.buf = []

    def derive(self, site, kind, parent, g, **extra):
        t = self.tick()
        func, file, line = SITES[site]
        ident = "ln-%x-%08x-g%d" % (t, (line * 2654435761) & 0xFFFFFFFF, g)
        fields = ['"ev":"derive"', '"id":"%s"' % ident, '"parent":"%s"' % parent, '"kind":"%s"' % kind,
                  '"t":%d' % t, '"g":%d' % g, '"func":"%s"' % func, '"file":"%s"' % file, '"line":%d' % line]
        if self.stacks and site not in ("handle", "value", "query", "rpc"):
            fields.append('"stack":["%s %s:%d","main.(*Server).ServeHTTP /src/app/server.go:120",'
                          '"net/http.HandlerFunc.ServeHTTP /usr/local/go/src/net/http/server.go:2322"]'
                          % (func, file, line))
        for k, v in extra.items():
            fields.append('"%s":%s' % (k, ('"%s"' % v) if isinstance(v, str) else v))
        self.line("{" + ",".join(fields) + "}")
        return ident, t

    def end(self, ident, how, t=None, g=None):
        t = self.tick() if t is None else t
        extra = ',"g":%d' % g if g is not None else ""
        self.line('{"ev":"end","id":"%s","t":%d,"how":"%s"%s}' % (ident, t, how, extra))


def request(w, g, cg=False):
    """A generator of one correct request's events (one per next())."""
    root = {"parent": "root:background", "cg": 1} if cg else {"parent": "root:untracked"}
    a, ta = w.derive("handle", "timeout", root.pop("parent"), g, deadline=w.t + 1 + 5000000, timeout_us=5000000,
                     **root)
    a_deadline = ta + 5000000
    yield
    b, _ = w.derive("value", "value", a, g, key="main.reqKey", value_depth=1, deadline=a_deadline)
    yield
    c, tc = w.derive("query", "timeout", b, g, parent_deadline=a_deadline, timeout_us=1000000,
                     deadline=w.t + 1 + 1000000)
    yield
    w.end(c, "cancel", g=g)
    yield
    d, _ = w.derive("rpc", "cancel", b, g, deadline=a_deadline)
    yield
    w.end(d, "cancel", g=g)
    yield
    w.end(a, "cancel", g=g)


def inject(w, kind, g):
    if kind == "never-cancelled":
        x, _ = w.derive("never", "cancel", "root:untracked", g)
        w.end(x, "never")
    elif kind == "live-at-end":
        w.derive("live", "cancel", "root:untracked", g)
    elif kind == "new-root":
        a, _ = w.derive("handle", "cancel", "root:untracked", g)
        b, _ = w.derive("retry", "timeout", "root:background", g, timeout_us=1000, deadline=w.t + 1001)
        w.end(b, "cancel", g=g)
        w.end(a, "cancel", g=g)
    elif kind == "new-root-held":
        a, _ = w.derive("handle", "cancel", "root:untracked", g)
        # made on another goroutine id: only the writer's "held" tells
        b, _ = w.derive("detached", "cancel", "root:todo", g + 1, held=a)
        w.end(b, "cancel", g=g + 1)
        w.end(a, "cancel", g=g)
    elif kind == "new-root-creator":
        a, _ = w.derive("handle", "cancel", "root:untracked", g)
        # g + 1 was started by g, holds nothing itself, and uses Background
        b, _ = w.derive("detached", "cancel", "root:background", g + 1, cg=g)
        w.end(b, "cancel", g=g + 1)
        w.end(a, "cancel", g=g)
    elif kind == "cancel-lost":
        a, _ = w.derive("lostparent", "cancel", "root:untracked", g)
        w.derive("lost", "cancel", a, g + 1)
        w.end(a, "cancel", g=g)
    elif kind == "timeout-no-effect":
        a, ta = w.derive("short", "timeout", "root:untracked", g, timeout_us=100000, deadline=w.t + 1 + 100000)
        b, _ = w.derive("long", "timeout", a, g, timeout_us=5000000, parent_deadline=ta + 100000,
                        deadline=ta + 100000)
        w.end(b, "parent")
        w.end(a, "cancel", g=g)
    elif kind == "value-deep":
        a, _ = w.derive("handle", "cancel", "root:untracked", g)
        p = a
        for depth in range(1, 12):
            p, _ = w.derive("deep", "value", p, g, key="main.k%d" % depth, value_depth=depth)
        w.end(a, "cancel", g=g)
    elif kind == "late-end":
        a, ta = w.derive("late", "timeout", "root:untracked", g, timeout_us=10, deadline=w.t + 11)
        w.end(a, "deadline", t=ta + 10 + 3000000)
    else:
        sys.exit("gen_events: unknown --inject kind %r" % kind)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=1000, help="about this many events of correct requests")
    ap.add_argument("--window", type=int, default=1000, help="requests in flight at once")
    ap.add_argument("--inject", action="append", default=[], metavar="KIND=N")
    ap.add_argument("--drops", type=int, default=0, help="write a drops event with this n")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stacks", action="store_true", help="full stacks on the injected mistakes' derives")
    ap.add_argument("--cg", action="store_true", help="request roots from Background, with the creator's cg")
    ap.add_argument("-o", "--output", default="-")
    args = ap.parse_args()
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    w = Writer(out)
    w.stacks = args.stacks
    rnd = random.Random(args.seed)
    w.line('{"ev":"header","v":1,"pid":4242,"process":"gen","host":"test","t":%d,"sample":"all","go":"go1.26"}' % w.t)
    g = 1000
    active = []
    while w.count < args.events or active:
        while w.count < args.events and len(active) < args.window:
            g += 1
            active.append(request(w, g, args.cg))
        i = rnd.randrange(len(active))
        try:
            next(active[i])
        except StopIteration:
            active[i] = active[-1]
            active.pop()
    for spec in args.inject:
        kind, _, n = spec.partition("=")
        for _ in range(int(n or "1")):
            g += 10
            inject(w, kind, g)
    if args.drops:
        w.line('{"ev":"drops","t":%d,"n":%d}' % (w.tick(), args.drops))
    w.flush()
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
