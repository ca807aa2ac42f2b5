#!/usr/bin/env python3
"""Compiles po/<lang>.po catalogs into a C table for core/i18n.c (see core/i18n_catalog.h).

Usage: gen_catalogs.py OUTPUT.c en.po zh_CN.po ...

Each catalog becomes a sorted array of entries (binary search at run time) and a struct locale
with its plural rule, its own name (the X-Native-Name header) and the JSON object of the
messages static/kindred.js uses (entries referenced from static/kindred.js). Fuzzy and
untranslated entries are left out, so they fall back to English. The build fails, naming the
file and line, on a Plural-Forms rule i18n.c lacks, a wrong number of plural forms, or a
translation whose printf conversions differ from the English (a crash waiting to happen).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pofile  # noqa: E402

# Plural-Forms expressions (spaces removed) and the C function in i18n.c for each.
PLURAL_RULES = {
    'nplurals=2;plural=(n!=1);': ('i18n_plural_one_other', 2),
    'nplurals=2;plural=n!=1;': ('i18n_plural_one_other', 2),
    'nplurals=2;plural=(n>1);': ('i18n_plural_zero_one', 2),
    'nplurals=1;plural=0;': ('i18n_plural_none', 1),
}
MAX_FORMS = 6
JS_SOURCE = 'static/kindred.js'


def c_string(s):
    """s as a C string literal: UTF-8 kept, quotes, backslashes, controls and ? escaped (no
    trigraphs)."""
    if s is None:
        return 'NULL'
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\?':
            out.append('\\' + ch)
        elif ch == '\n':
            out.append('\\n')
        elif o < 0x20 or o == 0x7f:
            out.append('\\%03o' % o)
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def tag_for(path):
    """po/zh_CN.po -> zh-CN (BCP 47)."""
    return os.path.basename(path)[:-3].replace('_', '-')


def check_formats(e, where):
    flags = {f for f in e.flags if f.endswith('-format') and not f.startswith('no-')}
    if not flags:
        return
    allowed = [pofile.format_args(e.msgid)]
    if e.msgid_plural is not None:
        allowed.append(pofile.format_args(e.msgid_plural))
    for i, s in e.msgstr.items():
        if s and pofile.format_args(s) not in allowed:
            sys.exit(f'{where}: msgstr[{i}] {s!r} does not take the same printf arguments as '
                     f'{e.msgid!r}')


def load(path):
    entries = pofile.parse(path)
    header = pofile.header_fields(entries)
    rule = header.get('Plural-Forms', '').replace(' ', '').replace('\t', '')
    if rule not in PLURAL_RULES:
        sys.exit(f'{path}: Plural-Forms {header.get("Plural-Forms")!r} has no rule in '
                 'core/i18n.c: add one there and in po/gen_catalogs.py')
    func, nplurals = PLURAL_RULES[rule]
    if nplurals > MAX_FORMS:
        sys.exit(f'{path}: more than {MAX_FORMS} plural forms')
    name = header.get('X-Native-Name') or tag_for(path)
    kept = []
    js = {}
    for e in entries:
        if e.is_header:
            continue
        where = f'{path}:{e.line}'
        if e.msgid_plural is not None and e.msgstr and len(e.msgstr) != nplurals:
            sys.exit(f'{where}: {len(e.msgstr)} plural forms, Plural-Forms says {nplurals}')
        if e.msgid_plural is None and set(e.msgstr) - {0}:
            sys.exit(f'{where}: plural forms for a message without msgid_plural')
        if not e.translated():
            continue
        check_formats(e, where)
        forms = e.forms()
        if e.msgid_plural is None and e.msgctxt is None and forms[0] == e.msgid:
            plain_same = True  # English as written: the lookup's fallback gives the same
        else:
            plain_same = False
        if JS_SOURCE in e.references and e.msgctxt is None:
            js[e.msgid] = forms if e.msgid_plural is not None else forms[0]
        if not plain_same:
            kept.append(e)
    kept.sort(key=lambda e: (e.msgctxt is not None, (e.msgctxt or '').encode(),
                             e.msgid.encode()))
    for a, b in zip(kept, kept[1:]):
        if (a.msgctxt, a.msgid) == (b.msgctxt, b.msgid):
            sys.exit(f'{path}:{b.line}: {b.msgid!r} is in the catalog twice')
    # Inside <script type="application/json">: no "<", ">" or "&" that could end the block.
    js_json = json.dumps(js, ensure_ascii=False, sort_keys=True, separators=(',', ':'))
    for ch, esc in (('<', '\\u003c'), ('>', '\\u003e'), ('&', '\\u0026'),
                    ('\u2028', '\\u2028'), ('\u2029', '\\u2029')):
        js_json = js_json.replace(ch, esc)
    return {'tag': tag_for(path), 'name': name, 'func': func, 'nplurals': nplurals,
            'entries': kept, 'js': js_json}


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: gen_catalogs.py OUTPUT.c en.po [other.po ...]')
    output, paths = sys.argv[1], sys.argv[2:]
    catalogs = [load(p) for p in paths]
    catalogs.sort(key=lambda c: (c['tag'] != 'en', c['tag']))
    if catalogs[0]['tag'] != 'en':
        sys.exit('gen_catalogs.py: po/en.po is required (English is the default locale)')
    lines = ['/* Generated by po/gen_catalogs.py from ' +
             ', '.join(os.path.basename(p) for p in paths) + '; do not edit. */',
             '#include "core/i18n_catalog.h"', '']
    for c in catalogs:
        ident = c['tag'].replace('-', '_')
        c['ident'] = ident
        if not c['entries']:
            continue
        lines.append(f'static const struct i18n_entry entries_{ident}[] = {{')
        for e in c['entries']:
            forms = ', '.join(c_string(s) for s in e.forms())
            n = len(e.msgstr) if e.msgid_plural is not None else 0
            lines.append(f'    {{{c_string(e.msgctxt)}, {c_string(e.msgid)}, {{{forms}}}, {n}}},')
        lines.append('};')
        lines.append('')
    lines.append('const struct locale i18n_locales[] = {')
    for c in catalogs:
        entries = f'entries_{c["ident"]}' if c['entries'] else 'NULL'
        lines.append(f'    {{{c_string(c["tag"])}, {c_string(c["name"])}, {c["func"]}, '
                     f'{c["nplurals"]}, {entries}, {len(c["entries"])}, {c_string(c["js"])}}},')
    lines.append('};')
    lines.append(f'const size_t i18n_locale_count = {len(catalogs)};')
    with open(output + '.tmp', 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    os.replace(output + '.tmp', output)


if __name__ == '__main__':
    main()
