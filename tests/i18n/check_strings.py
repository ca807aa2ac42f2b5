#!/usr/bin/env python3
"""Fails when a user-visible English string in src/ or static/ bypasses the catalog.

A heuristic scanner, run as a meson test (suite i18n). In C it looks at the string literals
passed to the functions that put text in front of people: text, attributes, messages of
req_fail() (HTML error pages and JSON errors alike), page titles, form labels, model problems.
A literal there must be wrapped in _(), _n(), N_() or an i18n_*get() call unless it has no
letters or is in tests/i18n/allowlist.txt. Markup given to html_lit() is checked for text
outside tags and for the attributes people read (title, alt, placeholder, aria-label...). In
static/kindred.js it looks at textContent, user-visible attributes, alert/confirm/prompt.

Usage: check_strings.py [SOURCE_ROOT]    (default: the repository this file is in)
Prints cmocka-style summary lines (scripts/test counts them): one test per file scanned.
"""

import glob
import html
import os
import re
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cmocka_summary import report  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Function -> index of the argument people read, and how to read it: 'text' (the literal is
# shown as it is) or 'markup' (html_lit: only text outside tags and visible attributes).
C_CALLS = {
    'html_lit': (1, 'markup'),
    'html_text': (1, 'text'),
    'html_attr': (1, 'text'),
    'html_textf': (1, 'text'),
    'html_sentence': (1, 'text'),
    'html_frag_text': (1, 'text'),
    'req_fail': (2, 'text'),
    'page_begin': (1, 'text'),
    'form_input': (1, 'text'),
    'form_number': (1, 'text'),
    'form_textarea': (1, 'text'),
    'form_select': (1, 'text'),
    'action_button': (2, 'text'),
    'field_problem_set': (2, 'text'),
}
# Wrappers that send a literal through the catalog.
TRANSLATED = {'_', '_n', 'N_', 'NC_', 'i18n_get', 'i18n_nget', 'i18n_pget'}
VISIBLE_ATTRS = {'title', 'alt', 'placeholder', 'aria-label', 'aria-description', 'label',
                 'data-confirm', 'aria-roledescription', 'aria-valuetext'}
LETTERS = re.compile(r'[A-Za-z]{2,}')


def load_allowlist():
    allowed = set()
    path = os.path.join(HERE, 'allowlist.txt')
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.strip() and not line.lstrip().startswith('#'):
                allowed.add(line.strip())
    return allowed


# Pieces of markup that are not words: URL paths, attribute fragments of a tag opened elsewhere.
MACHINE = re.compile(r'/[\w./?=&%-]*|([\w-]+="[^"]*"?\s*)+')


def allowed_piece(piece, allowed):
    """True when a piece needs no translation: machine text, or in the allowlist (whole, or by
    a "prefix:" line)."""
    if MACHINE.fullmatch(piece) or piece in allowed:
        return True
    return any(a.startswith('prefix:') and piece.startswith(a[7:]) for a in allowed)


def tokenize_c(src):
    """Yields (kind, value, line): 'id', 'str' (decoded contents), 'char', 'punct'. Comments and
    preprocessor lines are skipped."""
    i, line, n = 0, 1, len(src)
    at_line_start = True
    while i < n:
        c = src[i]
        if c == '\n':
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in ' \t\r\f\v':
            i += 1
            continue
        if at_line_start and c == '#':
            # a directive, with its continuation lines
            while i < n and src[i] != '\n':
                if src[i] == '\\' and i + 1 < n and src[i + 1] == '\n':
                    line += 1
                    i += 1
                i += 1
            continue
        at_line_start = False
        if src.startswith('//', i):
            while i < n and src[i] != '\n':
                i += 1
            continue
        if src.startswith('/*', i):
            end = src.find('*/', i + 2)
            end = n if end < 0 else end + 2
            line += src.count('\n', i, end)
            i = end
            continue
        if c == '"' or c == "'":
            start_line = line
            j = i + 1
            while j < n and src[j] != c:
                if src[j] == '\\':
                    j += 1
                if j < n and src[j] == '\n':
                    line += 1
                j += 1
            raw = src[i + 1:j]
            i = j + 1
            yield ('str' if c == '"' else 'char', raw, start_line)
            continue
        m = re.match(r'[A-Za-z_][A-Za-z0-9_]*', src[i:i + 200])
        if m:
            yield ('id', m.group(0), line)
            i += len(m.group(0))
            continue
        yield ('punct', c, line)
        i += 1


def c_unescape(raw):
    return re.sub(r'\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)',
                  lambda m: {'n': '\n', 't': '\t', '"': '"', '\\': '\\', "'": "'"}.get(
                      m.group(1), '' if m.group(1)[0] in 'x01234567' else m.group(1)), raw)


def calls(tokens):
    """Yields (name, line, args) for each call of a C_CALLS function; args are token lists."""
    for k, (kind, value, line) in enumerate(tokens):
        if kind != 'id' or value not in C_CALLS:
            continue
        if k + 1 >= len(tokens) or tokens[k + 1][1] != '(' or tokens[k + 1][0] != 'punct':
            continue
        if k > 0 and tokens[k - 1][0] == 'id' and tokens[k - 1][1] in ('void', 'int', 'static'):
            continue  # a declaration or definition
        depth, args, cur = 0, [], []
        for tok in tokens[k + 1:]:
            if tok[0] == 'punct' and tok[1] in '([{':
                depth += 1
                if depth == 1:
                    continue
            elif tok[0] == 'punct' and tok[1] in ')]}':
                depth -= 1
                if depth == 0:
                    args.append(cur)
                    break
            elif tok[0] == 'punct' and tok[1] == ',' and depth == 1:
                args.append(cur)
                cur = []
                continue
            cur.append(tok)
        yield value, line, args


def literal_of(arg):
    """The literal texts an argument shows: string literals at its top level (adjacent ones
    joined, either side of a ?: apart). Literals inside any call are left out: inside _() and
    the like they are translated, inside others (strcmp, field_error...) they are not shown."""
    texts, depth, joined, prev_str = [], 0, None, False
    for kind, value, _ in arg:
        if kind == 'punct' and value == '(':
            depth += 1
        elif kind == 'punct' and value == ')':
            depth -= 1
        if kind == 'str' and depth == 0:
            text = c_unescape(value)
            if prev_str:
                texts[-1] += text
            else:
                texts.append(text)
            prev_str = True
        else:
            prev_str = False
    del joined
    return texts


class Markup:
    """Follows html_lit() pieces through a file in order, as one stream of markup (a tag often
    starts in one call and ends in the next, around an escaped value), and returns what people
    read: text between tags and the values of visible attributes."""

    def __init__(self):
        self.state = 'text'  # 'text', 'tag' or 'value'
        self.attr = ''
        self.word = ''

    def feed(self, markup):
        out, cur = [], []
        for ch in markup:
            if self.state == 'text':
                if ch == '<':
                    out.append(''.join(cur))
                    cur = []
                    self.state, self.word = 'tag', ''
                else:
                    cur.append(ch)
            elif self.state == 'tag':
                if ch == '>':
                    self.state = 'text'
                elif ch == '"':
                    self.state, self.attr = 'value', self.word.lower()
                elif ch.isalnum() or ch == '-':
                    self.word += ch
                elif ch != '=':
                    self.word = ''
            else:
                if ch == '"':
                    out.append(''.join(cur))
                    cur = []
                    self.state, self.word = 'tag', ''
                elif self.attr in VISIBLE_ATTRS:
                    cur.append(ch)
        out.append(''.join(cur))
        return [html.unescape(re.sub(r'&[a-zA-Z]+;|&#[0-9]+;', ' ', t)) for t in out]


def check_c(path, rel, allowed):
    with open(path, encoding='utf-8') as f:
        tokens = list(tokenize_c(f.read()))
    found = []
    markup = Markup()
    for name, line, args in calls(tokens):
        index, mode = C_CALLS[name]
        if index >= len(args):
            continue
        if name == 'html_attr' and not (markup.state == 'value' and markup.attr in VISIBLE_ATTRS):
            continue  # a class, role, URL or name, not words
        for text in literal_of(args[index]):
            pieces = markup.feed(text) if mode == 'markup' else [text]
            for piece in pieces:
                piece = piece.strip()
                if LETTERS.search(piece) and not allowed_piece(piece, allowed):
                    found.append(f'{rel}:{line}: {name}: "{piece}"')
    return found


JS_PATTERNS = [
    re.compile(r'\.(?:textContent|innerText|title|placeholder|alt)\s*=\s*([\'"`])((?:\\.|(?!\1).)*)\1'),
    re.compile(r'setAttribute\(\s*[\'"](?:aria-label|title|placeholder|alt)[\'"]\s*,\s*'
               r'([\'"`])((?:\\.|(?!\1).)*)\1'),
    re.compile(r'\b(?:alert|confirm|prompt)\(\s*([\'"`])((?:\\.|(?!\1).)*)\1'),
]


def check_js(path, rel, allowed):
    found = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            code = line.split('//')[0]
            for pat in JS_PATTERNS:
                for m in pat.finditer(code):
                    text = m.group(2).strip()
                    if LETTERS.search(text) and not allowed_piece(text, allowed):
                        found.append(f'{rel}:{n}: "{text}" (use t() or tn())')
    return found


SELF_TEST_C = r'''
static void page(struct render *r, struct buf *b)
{
        html_lit(b, "<p class=\"intro\">Hello there</p>");  /* flagged: text */
        html_lit(b, "<a title=\"Close this\" aria-label=\""); /* flagged: visible attribute */
        html_attr(b, "Press here");                          /* flagged: inside title */
        html_lit(b, "\" class=\"x\">");
        html_attr(b, "button-primary");                      /* a class: not flagged */
        html_text(b, "Untranslated words");                  /* flagged */
        html_text(b, _("Translated words"));
        html_text(b, ok ? _("Yes") : "No way");              /* flagged: one side */
        html_text(b, field_error(r, p, "bio"));
        req_fail(req, 404, "There is no such "
                           "thing.");                        /* flagged, joined */
        req_fail(req, 404, N_("Marked for the catalog."));
        html_lit(b, "<span>&middot; 42</span>");
        html_text(b, "Kindred");                             /* allowlisted */
}
'''
SELF_TEST_JS = """
  button.textContent = 'Quote this';
  button.textContent = t('Quote this');
  el.setAttribute('aria-label', "Close the dialog");
  if (!window.confirm('Sure?')) return;
"""
SELF_TEST_EXPECTED = ['Hello there', 'Close this', 'Press here', 'Untranslated words', 'No way',
                      'There is no such thing.', "'Quote this'", 'Close the dialog', 'Sure?']


def self_test():
    """Runs the scanner over samples with known answers, so a scanner that finds nothing fails."""
    import tempfile
    allowed = {'Kindred'}
    with tempfile.TemporaryDirectory() as tmp:
        c, js = os.path.join(tmp, 'x.c'), os.path.join(tmp, 'x.js')
        with open(c, 'w') as f:
            f.write(SELF_TEST_C)
        with open(js, 'w') as f:
            f.write(SELF_TEST_JS)
        found = check_c(c, 'x.c', allowed) + check_js(js, 'x.js', allowed)
    text = '\n'.join(found)
    missed = [e for e in SELF_TEST_EXPECTED if e.strip("'") not in text]
    ok = not missed and len(found) == len(SELF_TEST_EXPECTED)
    if not ok:
        print('[  ERROR   ] scanner self-test: missed ' + repr(missed) + '; found:\n' + text)
    return ok


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(HERE))
    if not self_test():
        print('[  FAILED  ] 1 test(s), listed below:')
        print('[  FAILED  ] check_strings self-test')
        return 1
    allowed = load_allowlist()
    files = sorted(glob.glob(os.path.join(root, 'src', '**', '*.c'), recursive=True))
    files += sorted(glob.glob(os.path.join(root, 'static', '*.js')))
    passed, failed = 0, []
    for path in files:
        rel = os.path.relpath(path, root)
        found = check_js(path, rel, allowed) if path.endswith('.js') else \
            check_c(path, rel, allowed)
        for f in found:
            print(f'[  ERROR   ] {f}')
        if found:
            failed.append(f'{rel} ({len(found)})')
        else:
            passed += 1
    print(f'[==========] {len(files)} file(s) scanned for untranslated strings.')
    return report(passed, failed)


if __name__ == '__main__':
    sys.exit(main())
