#!/usr/bin/env python3
"""Checks that a stress report page (stress --html) is well-formed and whole.

    tools/check_report_html.py report.html

Parses the page with the standard library's HTML parser and fails (exit 1,
one line per problem) unless:
  * it starts with <!DOCTYPE html> and every tag is closed, in order
    (void elements excepted; SVG elements may self-close);
  * it holds every plot: a <figure id=...> for ops/s per workload, live
    objects, collector pauses and stop-the-world latency, each with an
    <svg> inside; the latency histogram marks its median and p99 when it
    has samples, and the ops/s chart draws a line per workload;
  * it is self-contained: no http:// or https:// anywhere, no <script>, no
    <link>, no external src=, no CSS url() or @import.
Exit status 0 when all holds. Only the Python standard library.
"""

import html.parser
import re
import sys

PLOTS = ["plot-ops", "plot-live", "plot-gc-pauses", "plot-stw"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.problems = []
        self.figure = None       # id of the figure we are in
        self.figure_depth = 0
        self.svgs = {}           # figure id -> number of <svg> inside
        self.texts = {}          # figure id -> text inside
        self.polylines = {}      # figure id -> number of <polyline>
        self.markers = {}        # figure id -> number of marker lines

    def where(self):
        line, col = self.getpos()
        return "line %d col %d" % (line, col + 1)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.check_attrs(tag, attrs)
        if tag == "script":
            self.problems.append("%s: <script> in a page that must have none" % self.where())
        if tag == "link":
            self.problems.append("%s: <link> loads something from elsewhere" % self.where())
        if tag == "figure" and "id" in attrs:
            self.figure = attrs["id"]
            self.figure_depth = len(self.stack) + 1
            self.svgs.setdefault(self.figure, 0)
        if self.figure is not None:
            if tag == "svg":
                self.svgs[self.figure] += 1
            if tag == "polyline":
                self.polylines[self.figure] = self.polylines.get(self.figure, 0) + 1
            if tag == "line" and attrs.get("class") == "marker":
                self.markers[self.figure] = self.markers.get(self.figure, 0) + 1
        if tag not in VOID:
            self.stack.append((tag, self.where()))

    def handle_startendtag(self, tag, attrs):
        # <rect ... />: an element with no content (fine in SVG).
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack:
            self.problems.append("%s: </%s> closes nothing" % (self.where(), tag))
            return
        open_tag, opened_at = self.stack[-1]
        if open_tag != tag:
            self.problems.append("%s: </%s> but <%s> (opened at %s) is still open" % (
                self.where(), tag, open_tag, opened_at))
            # Recover: pop to the matching tag if there is one.
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break
            return
        self.stack.pop()
        if tag == "figure" and self.figure is not None and len(self.stack) < self.figure_depth:
            self.figure = None

    def handle_data(self, data):
        if self.figure is not None:
            self.texts[self.figure] = self.texts.get(self.figure, "") + data

    def check_attrs(self, tag, attrs):
        for name, value in attrs.items():
            if value is None:
                continue
            if name in ("src", "href", "xlink:href", "action", "data") and not value.startswith("#"):
                self.problems.append("%s: <%s %s=%r> refers outside the page" % (
                    self.where(), tag, name, value))


def check(text):
    problems = []
    if not re.match(r"\s*<!DOCTYPE html>", text, re.IGNORECASE):
        problems.append("the page does not start with <!DOCTYPE html>")
    for m in re.finditer(r"https?://", text, re.IGNORECASE):
        line = text.count("\n", 0, m.start()) + 1
        problems.append("line %d: a URL (%s...)" % (line, text[m.start():m.start() + 40]))
    if re.search(r"@import|url\s*\(", text, re.IGNORECASE):
        problems.append("the style loads something (@import or url())")
    c = Checker()
    c.feed(text)
    c.close()
    problems += c.problems
    for tag, opened_at in c.stack:
        problems.append("<%s> opened at %s is never closed" % (tag, opened_at))
    for plot in PLOTS:
        if plot not in c.svgs:
            problems.append("plot %s is missing" % plot)
        elif c.svgs[plot] < 1:
            problems.append("plot %s has no <svg>" % plot)
    if c.svgs.get("plot-ops", 0) and c.polylines.get("plot-ops", 0) < 1:
        problems.append("plot-ops draws no line")
    stw_text = c.texts.get("plot-stw", "")
    if "no samples" not in stw_text and c.markers.get("plot-stw", 0) < 2:
        problems.append("plot-stw does not mark its median and p99")
    if "no samples" not in stw_text and not ("median" in stw_text and "p99" in stw_text):
        problems.append("plot-stw does not label its median and p99")
    gc_text = c.texts.get("plot-gc-pauses", "")
    if ("n/a" not in gc_text and "no collection" not in gc_text and "no per-pause" not in gc_text
            and c.markers.get("plot-gc-pauses", 0) < 2):
        problems.append("plot-gc-pauses has samples but does not mark its median and p99")
    return problems


def main(argv):
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[0])
        print("usage: check_report_html.py REPORT.html")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    try:
        with open(argv[0], encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        print("check_report_html: %s" % e, file=sys.stderr)
        return 2
    problems = check(text)
    for p in problems:
        print("%s: %s" % (argv[0], p), file=sys.stderr)
    if not problems:
        print("%s: well-formed, self-contained, %d plots present" % (argv[0], len(PLOTS)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
