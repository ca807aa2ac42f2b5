#!/usr/bin/env python3
"""Fails when a translatable string is missing, empty or fuzzy in a catalog.

Usage: check_catalog.py TEMPLATE.pot CATALOG.po [MSGFMT]

TEMPLATE.pot is what the build extracted from the sources (po/extract.py, xgettext), so a
string added to the code without a translation fails here. Every message of the template is
one test: it must be in the catalog, translated in every plural form, and not fuzzy. One more
test runs `msgfmt --check` (gettext's own checks: printf conversions, plural forms, header)
when msgfmt is given or found. Prints cmocka-style summary lines, which scripts/test counts.
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'po'))
import pofile  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cmocka_summary import report  # noqa: E402


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit('usage: check_catalog.py TEMPLATE.pot CATALOG.po [MSGFMT]')
    pot, po = sys.argv[1], sys.argv[2]
    msgfmt = sys.argv[3] if len(sys.argv) == 4 else shutil.which('msgfmt')
    catalog = {}
    for e in pofile.parse(po):
        if not e.is_header:
            catalog[(e.msgctxt, e.msgid)] = e
    name = os.path.basename(po)
    passed, failed = 0, []
    for e in pofile.parse(pot):
        if e.is_header:
            continue
        key = (e.msgctxt, e.msgid)
        label = (f'[{e.msgctxt}] ' if e.msgctxt else '') + repr(e.msgid)
        t = catalog.get(key)
        if t is None:
            why = 'missing'
        elif t.fuzzy:
            why = 'fuzzy'
        elif (e.msgid_plural is None) != (t.msgid_plural is None):
            why = 'plural forms differ from the template (run po/update)'
        elif not t.translated():
            why = 'not translated'
        else:
            passed += 1
            continue
        where = ' '.join(e.references)
        print(f'[  ERROR   ] {name}: {label} is {why} ({where})')
        failed.append(f'{label}: {why}')
    if msgfmt:
        r = subprocess.run([msgfmt, '--check', '-o', os.devnull, po], capture_output=True,
                           text=True)
        if r.returncode == 0:
            passed += 1
        else:
            print(r.stderr.rstrip())
            failed.append(f'msgfmt --check {name}')
    print(f'[==========] {name} against {os.path.basename(pot)}')
    return report(passed, failed)


if __name__ == '__main__':
    sys.exit(main())
