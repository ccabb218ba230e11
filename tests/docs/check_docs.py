#!/usr/bin/env python3
"""Documentation coverage: docs/vmxcfg.1 documents every subcommand, every option each `vmxcfg CMD --help`
prints and the exit codes; every public function in include/vmxcfg/*.h has a contract comment.

A declaration counts as documented when a comment ends on its line or on a line above it within the same
block of non-blank lines (one comment may cover a group of related declarations).
Usage: check_docs.py VMXCFG.  Prints one line per gap and "N passed, M failed"."""
import glob, re, subprocess, sys

vmxcfg = sys.argv[1]
passed = failed = 0


def check(ok, msg):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL " + msg)


man = open("docs/vmxcfg.1").read()
plain = re.sub(r"\\f[BIRP]", "", man).replace("\\-", "-").replace("\\(en", "-")
top = subprocess.run([vmxcfg, "--help"], capture_output=True, text=True).stdout
cmds = re.findall(r"^  ([a-z][a-z0-9-]*) ", top, re.M)
check(len(cmds) >= 2, "vmxcfg --help lists no commands")
for c in cmds:
    check(re.search(r'^\.SS "vmxcfg %s\b' % re.escape(c), plain, re.M) is not None,
          "man page has no section for 'vmxcfg %s'" % c)
    h = subprocess.run([vmxcfg, c, "--help"], capture_output=True, text=True)
    text = h.stdout + h.stderr
    opts = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])\b", text)) - {"--help", "-h"}
    for o in sorted(opts):
        check(re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(o), plain) is not None,
              "man page does not mention option %s of 'vmxcfg %s'" % (o, c))
for code in "0123":
    check(re.search(r"^\.SH EXIT STATUS[\s\S]*^\.B %s$" % code, man, re.M) is not None,
          "EXIT STATUS does not describe exit code %s" % code)
for sect in ("PROFILE FORMAT", "SOURCES", "EXIT STATUS"):
    check(".SH " + sect in man, "man page lacks section " + sect)

decl = re.compile(r"^(?:static inline |extern )?[a-z_][\w\s\*]*?\b(\w+)\s*\([^;{]*")
for h in sorted(glob.glob("include/vmxcfg/*.h")):
    lines = open(h).read().split("\n")
    depth = 0
    for i, line in enumerate(lines):
        if depth == 0 and not line.startswith(("#", " ", "\t", "/", "*", "typedef", "struct", "enum", "union")):
            m = decl.match(line)
            if m and "(" in line and not line.rstrip().endswith(","):
                name = m.group(1)
                ok = "/*" in line
                j = i - 1
                while not ok and j >= 0 and lines[j].strip() and not lines[j].startswith("}"):
                    if lines[j].rstrip().endswith("*/"):
                        ok = True
                    j -= 1
                check(ok, "%s:%d: %s() has no contract comment" % (h, i + 1, name))
        depth += line.count("{") - line.count("}")
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
