#!/usr/bin/env python3
"""Extracts Kindred's translatable strings into a PO template with xgettext.

Usage: extract.py XGETTEXT SOURCE_ROOT OUTPUT.pot

C (src/**/*.c): _("…"), _n("one", "many", n), N_("…") marks a string translated later, and the
explicit calls i18n_get(locale, "…"), i18n_nget(locale, "one", "many", n) and
i18n_pget(locale, "context", "…"); NC_("context", "…") marks
with a context. JavaScript (static/kindred.js): t("…") and tn("one", "many", n).
A comment starting with TRANSLATORS: just above a string reaches the translators.
References carry file names only, so catalogs do not change when lines move.
"""

import glob
import os
import subprocess
import sys

C_KEYWORDS = ['_', '_n:1,2', 'N_', 'i18n_get:2', 'i18n_nget:2,3', 'i18n_pget:2c,3', 'NC_:1c,2']
JS_KEYWORDS = ['t', 'tn:1,2']


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: extract.py XGETTEXT SOURCE_ROOT OUTPUT.pot')
    xgettext, root, output = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    os.chdir(root)
    c_files = sorted(glob.glob('src/**/*.c', recursive=True))
    js_files = ['static/kindred.js']
    common = [xgettext, '--from-code=UTF-8', '--add-comments=TRANSLATORS:', '--add-location=file',
              '--package-name=Kindred', '--msgid-bugs-address=the Kindred issue tracker', '--sort-by-file', '-o', output]
    tmp = output + '.tmp'
    subprocess.run(common[:-1] + [tmp, '--language=C'] + ['-k' + k for k in C_KEYWORDS] + c_files,
                   check=True)
    subprocess.run(common[:-1] + [tmp, '--join-existing', '--language=JavaScript', '-k']
                   + ['-k' + k for k in JS_KEYWORDS] + js_files, check=True)
    with open(tmp, encoding='utf-8') as f:
        text = f.read()
    # xgettext leaves the charset for translators to fill in; the sources are UTF-8.
    text = text.replace('charset=CHARSET', 'charset=UTF-8', 1)
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, output)


if __name__ == '__main__':
    main()
