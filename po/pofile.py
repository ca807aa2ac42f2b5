"""A small reader for GNU gettext PO files, shared by the catalog generator and the i18n tests.

Reads what xgettext, msgmerge and translators' editors write: comments (#. #: #, #|), msgctxt,
msgid, msgid_plural, msgstr and msgstr[N], strings continued over several lines. Obsolete
entries (#~) are skipped. Raises ValueError naming the file and line on anything else.
"""

import re

_ESCAPES = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', 'a': '\a', 'b': '\b',
            'f': '\f', 'v': '\v', '?': '?'}


class Entry:
    """One message: msgid (None for the header) with its translations and comments."""

    def __init__(self, line):
        self.line = line          # where the entry starts, for messages
        self.msgctxt = None
        self.msgid = None
        self.msgid_plural = None
        self.msgstr = {}          # form index -> text; plain messages use index 0
        self.flags = set()        # from "#, fuzzy, c-format"
        self.references = []      # from "#: src/web/home.c static/kindred.js"
        self.comments = []        # translator and extracted comments

    @property
    def fuzzy(self):
        return 'fuzzy' in self.flags

    @property
    def is_header(self):
        return self.msgid == '' and self.msgctxt is None

    def forms(self):
        """The msgstr forms in index order."""
        return [self.msgstr[i] for i in sorted(self.msgstr)]

    def translated(self):
        """True when every form is non-empty and the entry is not fuzzy."""
        return (not self.fuzzy and bool(self.msgstr)
                and all(s != '' for s in self.msgstr.values()))


def _unquote(text, where):
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f'{where}: expected a quoted string')
    out = []
    s = text[1:-1]
    i = 0
    while i < len(s):
        c = s[i]
        if c == '"':
            raise ValueError(f'{where}: unescaped quote')
        if c != '\\':
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= len(s):
            raise ValueError(f'{where}: backslash at the end of a string')
        e = s[i]
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 1
        elif e in '01234567':
            m = re.match(r'[0-7]{1,3}', s[i:])
            out.append(chr(int(m.group(0), 8)))
            i += len(m.group(0))
        elif e == 'x':
            m = re.match(r'[0-9a-fA-F]+', s[i + 1:])
            if not m:
                raise ValueError(f'{where}: bad \\x escape')
            out.append(chr(int(m.group(0), 16)))
            i += 1 + len(m.group(0))
        else:
            raise ValueError(f'{where}: unknown escape \\{e}')
    return ''.join(out)


def parse(path):
    """Returns the list of entries of a PO file, the header (msgid "") first if present."""
    entries = []
    cur = None
    field = None  # ('msgid',) ('msgstr', n) ... the field a continuation line adds to

    def finish():
        nonlocal cur
        if cur is not None and cur.msgid is not None:
            entries.append(cur)
        cur = None

    with open(path, encoding='utf-8') as f:
        for n, raw in enumerate(f, 1):
            where = f'{path}:{n}'
            line = raw.strip()
            if not line:
                finish()
                field = None
                continue
            if line.startswith('#~'):
                continue  # obsolete
            if cur is None or (line.startswith('#') and field is not None and field[0] == 'msgstr'):
                finish()
                cur = Entry(n)
                field = None
            if line.startswith('#,'):
                cur.flags.update(x.strip() for x in line[2:].split(',') if x.strip())
            elif line.startswith('#:'):
                cur.references.extend(line[2:].split())
            elif line.startswith('#|'):
                pass  # previous msgid, kept by msgmerge for fuzzy entries
            elif line.startswith('#'):
                cur.comments.append(line[1:].lstrip('. ').rstrip())
            elif line.startswith('"'):
                if field is None:
                    raise ValueError(f'{where}: a string outside a field')
                text = _unquote(line, where)
                if field[0] == 'msgstr':
                    cur.msgstr[field[1]] += text
                else:
                    setattr(cur, field[0], getattr(cur, field[0]) + text)
            else:
                m = re.match(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
                if not m:
                    raise ValueError(f'{where}: cannot read {line[:40]!r}')
                key, index, value = m.group(1), m.group(2), _unquote(m.group(3), where)
                if key == 'msgctxt' and (cur.msgid is not None):
                    finish()
                    cur = Entry(n)
                if key == 'msgid' and cur.msgid is not None:
                    finish()
                    cur = Entry(n)
                if key == 'msgstr':
                    i = int(index) if index is not None else 0
                    cur.msgstr[i] = value
                    field = ('msgstr', i)
                else:
                    if index is not None:
                        raise ValueError(f'{where}: {key} takes no index')
                    setattr(cur, key, value)
                    field = (key,)
        finish()
    return entries


def header_fields(entries):
    """The header entry's "Name: value" lines as a dict (empty without a header)."""
    for e in entries:
        if e.is_header:
            out = {}
            for line in e.msgstr.get(0, '').split('\n'):
                if ':' in line:
                    k, v = line.split(':', 1)
                    out[k.strip()] = v.strip()
            return out
    return {}


# printf conversions: optional position, flags, width, precision, length, conversion.
_CONV = re.compile(r"%(?:(\d+)\$)?[-+ #0']*(?:\*|\d+)?(?:\.(?:\*|\d*))?"
                   r"(hh|h|ll|l|L|q|j|z|t)?([diouxXeEfFgGaAcspn%])")


def format_args(s):
    """The printf arguments a format string reads: {position: conversion}, positions from 1.
    Returns None for a string printf would not accept (a lone % or mixed positional styles)."""
    args = {}
    seq = 0
    positional = None
    i = 0
    while True:
        i = s.find('%', i)
        if i < 0:
            return args
        m = _CONV.match(s, i)
        if not m:
            return None
        i = m.end()
        if m.group(3) == '%':
            continue
        pos = m.group(1)
        if positional is None:
            positional = pos is not None
        elif positional != (pos is not None):
            return None
        if pos is None:
            seq += 1
            index = seq
        else:
            index = int(pos)
        conv = (m.group(2) or '') + ('d' if m.group(3) == 'i' else m.group(3))
        if args.get(index, conv) != conv:
            return None
        args[index] = conv
