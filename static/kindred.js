/* Kindred's one script: small enhancements over pages that already work without it.
 *
 * Every feature here starts from server-rendered HTML and leaves it usable when this file does
 * not load: reactions are real forms, quotes can be pasted by hand, the passage list links to
 * its comments. The Content-Security-Policy allows only same-origin scripts and stylesheets, so
 * nothing here writes a style attribute; the quote button is placed through the CSSOM and
 * everything else is done by toggling classes and attributes. */
(function () {
  'use strict';

  /* ---------------------------------------------------------------- translated words */

  /* The words this script shows come from the server's catalog for the page's language: the
   * page carries them as <script type="application/json" id="kd-strings"> (data, not code, so
   * the Content-Security-Policy allows it), an object from each English msgid to its
   * translation; a message with plural forms maps to an array of forms. Without the block, or
   * for a message it lacks, the English text is shown. xgettext extracts t("…") and
   * tn("one", "many", n) from this file (po/extract.py). */
  const STRINGS = (() => {
    const block = document.getElementById('kd-strings');
    if (!block)
      return {};
    try {
      const parsed = JSON.parse(block.textContent);
      return parsed && typeof parsed === 'object' ? parsed : {};
    } catch (err) {
      return {};
    }
  })();

  /* The translation of msgid, or msgid itself. */
  function t(msgid) {
    const s = STRINGS[msgid];
    return typeof s === 'string' && s !== '' ? s : msgid;
  }

  /* The form of a message for the count n, with "%d" replaced by n. A catalog entry with one
   * form is a language without plural forms (Chinese); with two, the first is for n = 1. */
  function tn(one, many, n) {
    const forms = STRINGS[one];
    let s = n === 1 ? one : many;
    if (Array.isArray(forms) && forms.length > 0) {
      const form = forms.length === 1 ? forms[0] : forms[n === 1 ? 0 : 1];
      if (typeof form === 'string' && form !== '')
        s = form;
    }
    return s.replace('%d', String(n));
  }

  /* Context kept on each side of a quote, in code points: the server keeps as much. */
  const QUOTE_CONTEXT = 32;

  /* ---------------------------------------------------------------- text of the episode */

  /* The server compares quotes with the episode's plain text after turning each whitespace run
   * (ASCII whitespace and U+00A0) into one space and trimming the ends. The same rule here; \s
   * would also take Unicode spaces the server keeps. */
  const WHITESPACE = /[ \t\n\r\f\v\u00a0]/;
  const WHITESPACE_RUNS = /[ \t\n\r\f\v\u00a0]+/g;

  function normalise(s) {
    return (s || '').replace(WHITESPACE_RUNS, ' ').trim();
  }

  /* Elements that the server's plain text separates from their neighbours. */
  const BLOCKS = new Set(['ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DIV', 'DL',
    'DT', 'FIGCAPTION', 'FIGURE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR', 'LI', 'OL', 'P', 'PRE',
    'SECTION', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL']);

  /* Reads the text of root as the server sees it. Returns {text, nodes, offsets}: text is the
   * normalised text; nodes[k] and offsets[k] are the text node and offset that its k-th UTF-16
   * unit came from (a collapsed run points at its first character; a space standing for a block
   * boundary, and an image's alt text, point at null). The count badges this script adds are
   * left out, so marking one passage does not change the text the next one is looked for in. */
  function readText(root) {
    let text = '';
    const nodes = [];
    const offsets = [];
    let pending = false;
    let pendingNode = null;
    let pendingOffset = 0;
    const put = (ch, node, offset) => {
      if (pending && text.length > 0) {
        text += ' ';
        nodes.push(pendingNode);
        offsets.push(pendingOffset);
      }
      pending = false;
      text += ch;
      nodes.push(node);
      offsets.push(offset);
    };
    const space = (node, offset) => {
      if (!pending) {
        pending = true;
        pendingNode = node;
        pendingOffset = offset;
      }
    };
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.nodeType === Node.ELEMENT_NODE && n.classList.contains('passage-count')
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const s = n.data;
        for (let i = 0; i < s.length; i++) {
          if (WHITESPACE.test(s[i]))
            space(n, i);
          else
            put(s[i], n, i);
        }
      } else if (BLOCKS.has(n.tagName)) {
        space(null, 0);
      } else if (n.tagName === 'IMG' && n.alt) {
        /* the plain text carries an image's description where the image stands */
        const alt = n.alt;
        for (let i = 0; i < alt.length; i++) {
          if (WHITESPACE.test(alt[i]))
            space(null, 0);
          else
            put(alt[i], null, 0);
        }
      }
    }
    return { text, nodes, offsets };
  }

  /* Moves i off the second half of a surrogate pair, so slices stay whole characters. */
  function charBoundary(s, i) {
    const c = s.charCodeAt(i);
    return i > 0 && i < s.length && c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
  }

  /* Up to max code points of s, from its end (tail) or its start, without outer spaces. */
  function context(s, max, tail) {
    const chars = Array.from(s);
    const part = tail ? chars.slice(Math.max(0, chars.length - max)) : chars.slice(0, max);
    return part.join('').trim();
  }

  /* Where exact (with the words around it) starts in the normalised text, or -1. Follows the
   * server's rule: the context may sit across the space that joins it to the quote. When the
   * words around it no longer match (the episode was edited), the first occurrence is taken. */
  function findPassage(text, exact, prefix, suffix) {
    exact = normalise(exact);
    prefix = normalise(prefix);
    suffix = normalise(suffix);
    if (!exact)
      return -1;
    let first = -1;
    for (let at = text.indexOf(exact); at >= 0; at = text.indexOf(exact, at + 1)) {
      if (first < 0)
        first = at;
      const end = at + exact.length;
      const before = at > 0 && text[at - 1] === ' ' ? at - 1 : at;
      const after = end < text.length && text[end] === ' ' ? end + 1 : end;
      const prefixOk = !prefix || text.slice(0, before).endsWith(prefix) ||
        text.slice(0, at).endsWith(prefix);
      const suffixOk = !suffix || text.startsWith(suffix, after) || text.startsWith(suffix, end);
      if (prefixOk && suffixOk)
        return at;
    }
    return first;
  }

  /* ---------------------------------------------------------------- reactions in place */

  /* A member's page has one action form (#kd-act, web/action_form.h); each reaction button
   * names it and says in its value what it does: "target:id:kind:1" gives, ":0" takes back.
   * The buttons of one item stand in a .reactions group with data-target and data-id. */
  function reactionKind(button) {
    const parts = button.value.split(':');
    return parts[parts.length - 2];
  }

  function reactionButtons(group) {
    return Array.from(group.querySelectorAll('button[name="react"]'));
  }

  /* Writes a reaction summary from the API into every group for the same target. */
  function showReactions(data) {
    const selector = '.reactions[data-target="' + CSS.escape(String(data.target)) +
      '"][data-id="' + CSS.escape(String(data.id)) + '"]';
    const mine = new Set(data.mine || []);
    for (const group of document.querySelectorAll(selector)) {
      for (const button of reactionButtons(group)) {
        const kind = reactionKind(button);
        const count = button.querySelector('.count');
        if (count && typeof data.counts[kind] === 'number')
          count.textContent = String(data.counts[kind]);
        const pressed = mine.has(kind);
        button.setAttribute('aria-pressed', pressed ? 'true' : 'false');
        button.value = button.value.replace(/:[01]$/, pressed ? ':0' : ':1');
      }
      arrangeReactions(group);
    }
  }

  /* The small live region of a reactions group, made once so screen readers are listening. */
  function reactionStatus(group) {
    let status = group.querySelector('.reaction-status');
    if (!status) {
      status = document.createElement('span');
      status.className = 'reaction-status';
      status.setAttribute('role', 'status');
      group.appendChild(status);
    }
    return status;
  }

  /* Sends the form the way it would have gone without this script. */
  function submitPlainly(form, button) {
    const field = document.createElement('input');
    field.type = 'hidden';
    field.name = button.name;
    field.value = button.value;
    form.appendChild(field);
    HTMLFormElement.prototype.submit.call(form); /* no submit event: no loop back here */
  }

  async function react(form, group, button) {
    const csrf = form.querySelector('input[name="_csrf"]');
    const kind = reactionKind(button);
    const on = button.value.endsWith(':1');
    const status = reactionStatus(group);
    group.setAttribute('aria-busy', 'true');
    let response;
    let data = null;
    try {
      response = await fetch('/api/v1/reactions', {
        method: on ? 'POST' : 'DELETE',
        credentials: 'same-origin',
        headers: {
          'Accept': 'application/json',
          'Content-Type': 'application/json',
          'X-CSRF-Token': csrf.value,
        },
        body: JSON.stringify({ target: group.dataset.target, id: Number(group.dataset.id), kind }),
      });
      data = await response.json().catch(() => null);
    } catch (err) {
      response = null; /* offline or refused: the plain form says what went wrong */
    } finally {
      group.removeAttribute('aria-busy');
    }
    if (response && response.ok && data && data.counts) {
      status.textContent = '';
      showReactions(data);
    } else if (response && response.status === 429) {
      status.textContent = (data && data.error && data.error.message) ||
        t('Too many reactions in a short time. Try again in a minute.');
    } else {
      submitPlainly(form, button);
    }
  }

  /* The "React" link of a compact group opens, in place, the kinds not in use (copies of the
   * page's #kd-kinds template) and "Who reacted"; again, it closes them. Without the template
   * the link is followed (its page has all six). */
  function togglePicker(group, link) {
    const open = group.querySelector('.react-picker');
    if (open) {
      open.remove();
      link.setAttribute('aria-expanded', 'false');
      return;
    }
    /* the six kinds: the page's template, or the episode's own group (then no template) */
    const kinds = document.getElementById('kd-kinds');
    const protos = kinds ? Array.from(kinds.content.querySelectorAll('button'))
      : reactionButtons(document.querySelector('.reactions[data-target="episode"]') ||
        document.createElement('div'));
    if (protos.length !== KINDS) {
      window.location.assign(link.href);
      return;
    }
    const present = new Set(reactionButtons(group).map(reactionKind));
    const picker = document.createElement('span');
    picker.className = 'react-picker';
    for (const proto of protos) {
      const kind = kinds ? proto.value : reactionKind(proto);
      if (present.has(kind))
        continue;
      const button = proto.cloneNode(true);
      button.setAttribute('form', 'kd-act');
      button.setAttribute('aria-pressed', 'false');
      button.value = group.dataset.target + ':' + group.dataset.id + ':' + kind + ':1';
      const count = button.querySelector('.count');
      if (count)
        count.textContent = '0';
      picker.appendChild(button);
    }
    const who = document.createElement('a');
    who.className = 'who';
    who.href = link.href;
    who.textContent = t('Who reacted');
    picker.appendChild(who);
    link.after(picker);
    link.setAttribute('aria-expanded', 'true');
    const first = picker.querySelector('button');
    if (first)
      first.focus();
  }

  function setUpReactions() {
    const form = document.getElementById('kd-act');
    if (!form)
      return; /* a guest's page: counts without buttons */
    for (const group of document.querySelectorAll('.reactions[data-target]'))
      reactionStatus(group);
    /* browsers without SubmitEvent.submitter: remember the button that was used */
    document.addEventListener('click', (event) => {
      const button = event.target.closest('button[form="kd-act"]');
      if (button)
        form.kindredSubmitter = button;
      const link = event.target.closest('.reactions > a.react-more');
      if (link && link.parentElement.dataset.target) {
        event.preventDefault();
        togglePicker(link.parentElement, link);
      }
    });
    form.addEventListener('submit', (event) => {
      const button = event.submitter || form.kindredSubmitter;
      if (!button || button.name !== 'react' || !/^[a-z]+:\d+:[a-z]+:[01]$/.test(button.value))
        return;
      const group = button.closest('.reactions[data-target]');
      if (!group)
        return;
      event.preventDefault();
      if (group.getAttribute('aria-busy') === 'true')
        return; /* one change at a time per item */
      react(form, group, button);
    });
  }

  /* ---------------------------------------------------------------- quote by selection */

  function setUpQuoting() {
    const article = document.querySelector('.episode');
    const body = document.querySelector('.episode .body');
    const form = document.getElementById('comment-form');
    const exactField = document.getElementById('f-quote_exact');
    const commentField = document.getElementById('f-body');
    if (!article || !body || !form || !exactField || !commentField)
      return; /* a guest's page, or not an episode */
    const prefixField = form.querySelector('input[name="quote_prefix"]');
    const suffixField = form.querySelector('input[name="quote_suffix"]');

    /* After the body in the document, so it comes next when tabbing on from the text. */
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'quote-button';
    button.textContent = t('Quote this passage');
    button.hidden = true;
    body.after(button);
    article.classList.add('js-quoting'); /* the button's containing block */

    let quote = null; /* {exact, prefix, suffix} of the selection the button stands for */
    let filled = null; /* the quote this script last wrote, to notice a hand edit */
    let pointerDown = false;
    let timer = 0;

    const hide = () => {
      button.hidden = true;
      quote = null;
    };

    /* The selection's text within the body, as the server will compare it, or null. */
    const selectedQuote = () => {
      const selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed)
        return null;
      const range = selection.getRangeAt(0);
      if (!range.intersectsNode(body))
        return null;
      const model = readText(body);
      let start = -1;
      let end = -1;
      let lastNode = null;
      let lastInside = false;
      for (let k = 0; k < model.nodes.length; k++) {
        const node = model.nodes[k];
        if (node !== lastNode) { /* runs of characters share a node: ask once per node */
          lastNode = node;
          lastInside = node !== null && range.intersectsNode(node);
        }
        if (!lastInside)
          continue;
        const offset = model.offsets[k];
        if (node === range.startContainer && offset < range.startOffset)
          continue;
        if (node === range.endContainer && offset >= range.endOffset)
          continue;
        if (start < 0)
          start = k;
        end = k + 1;
      }
      if (start < 0)
        return null;
      const text = model.text;
      while (start < end && text[start] === ' ')
        start++;
      while (end > start && text[end - 1] === ' ')
        end--;
      start = charBoundary(text, start);
      end = charBoundary(text, end);
      if (start >= end)
        return null;
      return {
        exact: text.slice(start, end),
        prefix: context(text.slice(0, start), QUOTE_CONTEXT, true),
        suffix: context(text.slice(end), QUOTE_CONTEXT, false),
        range,
      };
    };

    /* Puts the button under the end of the selection, inside the article's width. */
    const place = (range) => {
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 || r.height > 0);
      const whole = range.getBoundingClientRect();
      const last = rects.length ? rects[rects.length - 1] : whole;
      const box = article.getBoundingClientRect();
      button.hidden = false;
      const width = button.offsetWidth;
      const left = Math.min(Math.max(0, last.right - box.left - width / 2), box.width - width);
      button.style.left = Math.round(Math.max(0, left)) + 'px';
      button.style.top = Math.round(last.bottom - box.top + 6) + 'px';
    };

    const update = () => {
      timer = 0;
      const found = selectedQuote();
      if (!found) {
        hide();
        return;
      }
      quote = { exact: found.exact, prefix: found.prefix, suffix: found.suffix };
      place(found.range);
    };
    const later = () => {
      if (timer)
        clearTimeout(timer);
      timer = setTimeout(update, 120);
    };

    document.addEventListener('pointerdown', (event) => {
      if (event.target !== button)
        pointerDown = true;
    });
    document.addEventListener('pointerup', () => {
      if (!pointerDown)
        return;
      pointerDown = false;
      later();
    });
    document.addEventListener('selectionchange', () => {
      if (pointerDown)
        hide(); /* still dragging: show the button where the selection ends */
      else
        later(); /* keyboard selection, or a selection cleared */
    });
    window.addEventListener('resize', () => {
      if (!button.hidden)
        later(); /* the text reflowed: follow the selection */
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !button.hidden)
        hide();
    });
    /* Keep the selection (and the button) when the button is pressed. */
    button.addEventListener('mousedown', (event) => event.preventDefault());

    button.addEventListener('click', () => {
      if (!quote)
        return;
      exactField.value = quote.exact;
      if (prefixField)
        prefixField.value = quote.prefix;
      if (suffixField)
        suffixField.value = quote.suffix;
      filled = quote.exact;
      hide();
      commentField.scrollIntoView({ block: 'center' });
      commentField.focus({ preventScroll: true });
    });

    /* A quote changed by hand no longer has the context of the selection it came from. */
    exactField.addEventListener('input', () => {
      if (filled !== null && exactField.value !== filled) {
        filled = null;
        if (prefixField)
          prefixField.value = '';
        if (suffixField)
          suffixField.value = '';
      }
    });
  }

  /* ---------------------------------------------------------------- passages in the text */

  /* Wraps normalised text [start, end) of model in <mark class="passage"> elements, one per
   * text node it covers, each naming the comment that first quoted it; returns the last one, or
 * null when nothing could be wrapped. */
  function wrapPassage(model, start, end, first) {
    const pieces = []; /* [node, from, to] in document order */
    for (let k = start; k < end; k++) {
      const node = model.nodes[k];
      if (!node)
        continue;
      const offset = model.offsets[k];
      const last = pieces[pieces.length - 1];
      if (last && last[0] === node)
        last[2] = offset + 1;
      else
        pieces.push([node, offset, offset + 1]);
    }
    let mark = null;
    for (const [node, from, to] of pieces) {
      if (normalise(node.data.slice(from, to)) === '')
        continue; /* the space between two blocks stays outside */
      const range = document.createRange();
      range.setStart(node, from);
      range.setEnd(node, to);
      mark = document.createElement('mark');
      mark.className = 'passage';
      mark.dataset.first = first; /* the comment that first quoted it */
      range.surroundContents(mark);
    }
    return mark;
  }

  /* The block around node (a paragraph, list item, heading…) inside root, or root. */
  function blockOf(node, root) {
    for (let el = node.parentElement; el && el !== root; el = el.parentElement) {
      if (BLOCKS.has(el.tagName))
        return el;
    }
    return root;
  }

  /* Marks each quoted passage where it is and puts its count badge at the end of the passage's
   * block. Browsers look for a quote link's text fragment (prefix, passage, suffix) inside one
   * block, in the DOM text, after this script has run: a badge's digits between those words
   * would break the match, while the <mark>s (which only split text nodes) do not. At the end of
   * the block the badge follows every word a link can name. */
  function markPassages() {
    const body = document.querySelector('.episode .body');
    const items = document.querySelectorAll('.passage-list li[data-exact]');
    if (!body || items.length === 0)
      return;
    for (const item of items) {
      const model = readText(body); /* again each time: marking splits text nodes */
      const exact = normalise(item.dataset.exact);
      const at = findPassage(model.text, exact, item.dataset.prefix, item.dataset.suffix);
      if (at < 0)
        continue;
      const first = item.dataset.first || 'comments';
      const mark = wrapPassage(model, at, at + exact.length, first);
      if (!mark)
        continue;
      const count = parseInt(item.dataset.count, 10) || 1;
      const link = document.createElement('a');
      link.className = 'passage-count';
      link.href = '#' + first;
      link.textContent = String(count);
      link.setAttribute('aria-label',
        tn('%d comment on this passage', '%d comments on this passage', count));
      blockOf(mark, body).append(link);
    }
  }

  /* ---------------------------------------------------------------- votes on asks in place */

  /* Shows an ask's count and the viewer's vote in every vote form for that ask. */
  function showVote(id, votes, voted) {
    const selector = 'form.ask-vote[data-ask="' + CSS.escape(String(id)) + '"]';
    for (const form of document.querySelectorAll(selector)) {
      const button = form.querySelector('button.vote');
      if (!button)
        continue;
      const count = button.querySelector('.count');
      const label = button.querySelector('.vote-label');
      if (count)
        count.textContent = String(votes);
      if (label)
        label.textContent = tn('vote', 'votes', votes);
      button.setAttribute('aria-pressed', voted ? 'true' : 'false');
      button.value = voted ? '0' : '1';
      button.title = voted ? t('Take your vote back') : t('Vote for this topic');
    }
  }

  async function vote(form, button) {
    const csrf = form.querySelector('input[name="_csrf"]');
    const on = button.value === '1';
    let status = form.querySelector('.vote-status');
    if (!status) {
      status = document.createElement('span');
      status.className = 'vote-status';
      status.setAttribute('role', 'status');
      form.appendChild(status);
    }
    form.setAttribute('aria-busy', 'true');
    let response = null;
    let data = null;
    try {
      response = await fetch('/api/v1/asks/' + encodeURIComponent(form.dataset.ask) + '/vote', {
        method: on ? 'POST' : 'DELETE',
        credentials: 'same-origin',
        headers: { 'Accept': 'application/json', 'X-CSRF-Token': csrf.value },
      });
      data = await response.json().catch(() => null);
    } catch (err) {
      response = null; /* offline or refused: the plain form says what went wrong */
    } finally {
      form.removeAttribute('aria-busy');
    }
    if (response && response.ok && data && typeof data.votes === 'number') {
      status.textContent = '';
      showVote(data.id, data.votes, data.voted);
    } else if (response && response.status === 429) {
      status.textContent = (data && data.error && data.error.message) ||
        t('Too many votes in a short time. Try again in a minute.');
    } else {
      submitPlainly(form, button);
    }
  }

  function setUpVotes() {
    for (const form of document.querySelectorAll('form.ask-vote')) {
      if (!form.querySelector('input[name="_csrf"]') || !form.dataset.ask)
        continue;
      form.addEventListener('submit', (event) => {
        const button = form.querySelector('button.vote');
        if (!button || !/^[01]$/.test(button.value))
          return;
        event.preventDefault();
        if (form.getAttribute('aria-busy') === 'true')
          return; /* one change at a time per form */
        vote(form, button);
      });
    }
  }

  /* ---------------------------------------------------------------- confirmations */

  function setUpConfirmations() {
    document.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-confirm]');
      if (button && !window.confirm(button.dataset.confirm))
        event.preventDefault();
    });
  }

  /* ---------------------------------------------------------------- welcome lane: conversation */

  const KINDS = 6; /* reaction kinds (model/reaction.h) */

  /* A compact reactions group (every item but an episode, web/reactions.c) shows the kinds in
   * use and keeps the others behind its "React" link; after a change in place, buttons move to
   * where the server would have put them: a kind taken back to nothing leaves the row (for the
   * picker, when it is open), and the link says "React" while a kind is unused, else "Who
   * reacted". Focus stays on the button that was used. */
  function arrangeReactions(group) {
    const link = group.querySelector(':scope > a.react-more, :scope > a.who');
    if (!link || group.dataset.target === 'episode')
      return; /* the episode's own group shows all six */
    const picker = group.querySelector('.react-picker');
    const focused = document.activeElement;
    const fromPicker = picker && picker.contains(focused);
    let inRow = 0;
    for (const button of reactionButtons(group)) {
      const count = button.querySelector('.count');
      const used = (count && count.textContent !== '0') ||
        button.getAttribute('aria-pressed') === 'true';
      if (used) {
        group.insertBefore(button, link);
        inRow++;
      } else if (picker) {
        picker.insertBefore(button, picker.querySelector('a.who'));
      } else {
        button.remove();
      }
    }
    const unused = inRow < KINDS;
    link.className = unused ? 'react-more' : 'who';
    link.textContent = unused ? t('React') : t('Who reacted');
    /* a kind picked from the picker closes it, as a choice made */
    if (picker && (!picker.querySelector('button') || (fromPicker && !picker.contains(focused)))) {
      picker.remove();
      link.setAttribute('aria-expanded', 'false');
    }
    if (focused && focused.isConnected && focused.matches && focused.matches('button[name="react"]'))
      focused.focus();
    else if (focused && !focused.isConnected)
      link.focus();
  }

  /* Forms whose server asks before it acts unless told the member already said yes: after the
   * in-place confirmation (setUpConfirmations) the script says so, and the page that asks is
   * only for browsers without it. */
  function setUpConfirmedForms() {
    document.addEventListener('submit', (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement))
        return;
      /* on the form, or on a button of the page's action form (a comment's Delete) */
      const submitter = event.submitter || form.kindredSubmitter;
      const name = form.dataset.confirmedField ||
        (submitter && submitter.dataset && submitter.dataset.confirmedField);
      if (!name || event.defaultPrevented)
        return;
      if (form.querySelector('input[name="' + CSS.escape(name) + '"]'))
        return;
      const field = document.createElement('input');
      field.type = 'hidden';
      field.name = name;
      field.value = '1';
      form.appendChild(field);
    });
  }

  /* ---------------------------------------------------------------- reading beacons */

  /* Insights (docs/privacy.md, "Recording" in docs/insights.md): on a live episode's page the
   * server puts <span id="kd-reading" data-episode data-minutes> and, at the end of the text,
   * #kd-read-marker. "seen" is sent once the page has been visible SEEN_AFTER_MS in all (a
   * person's browser showed it: bots do not run this); "read" once the marker has been in view
   * and the page has been visible READ_SHARE of the episode's reading time, but at least
   * READ_MIN_MS and at most READ_MAX_MS. Each at most once per page load, by sendBeacon (no
   * cookie of ours, no identifier: the server knows members by their session and guests by a
   * daily hash). */
  const SEEN_AFTER_MS = 3000;
  const READ_SHARE = 0.3;
  const READ_MIN_MS = 10000;
  const READ_MAX_MS = 180000;

  function setUpReadingBeacons() {
    const info = document.getElementById('kd-reading');
    const marker = document.getElementById('kd-read-marker');
    if (!info || !navigator.sendBeacon)
      return;
    const episode = info.dataset.episode;
    const minutes = Number(info.dataset.minutes) || 1;
    const readAfter = Math.min(READ_MAX_MS, Math.max(READ_MIN_MS, minutes * 60000 * READ_SHARE));
    let shownMs = 0;
    let shownSince = document.visibilityState === 'visible' ? performance.now() : null;
    let seen = false, read = false, reachedEnd = false, timer = null;

    const shown = () => shownMs + (shownSince === null ? 0 : performance.now() - shownSince);
    const send = (kind) => navigator.sendBeacon('/e', new URLSearchParams({ episode, kind }));

    function check() {
      const ms = shown();
      if (!seen && ms >= SEEN_AFTER_MS) {
        seen = true;
        send('seen');
      }
      if (seen && !read && reachedEnd && ms >= readAfter) {
        read = true;
        send('read');
      }
      if (seen && (read || !marker) && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    }

    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        if (shownSince === null)
          shownSince = performance.now();
      } else if (shownSince !== null) {
        shownMs += performance.now() - shownSince;
        shownSince = null;
      }
      check();
    });
    if (marker && 'IntersectionObserver' in window) {
      const watch = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          reachedEnd = true;
          watch.disconnect();
          check();
        }
      });
      watch.observe(marker);
    }
    timer = setInterval(check, 1000);
  }


  /* ---------------------------------------------------------------- write: the episode editor */

  /* The editor (form[data-episode-editor], web/editor.c) works as a plain form; this adds, for
   * authors with JavaScript (docs/writing.md):
   * - a live preview beside the text, rendered by the server's own renderer
   *   (POST /api/v1/editor/preview), after each pause in typing;
   * - an autosave of title, subtitle and text (PUT /api/v1/editor/autosave) after each pause,
   *   kept apart from the episode so readers never see it; the page offers it back;
   * - Ctrl/Cmd+S presses the form's save button, Ctrl/Cmd+P shows or hides the preview;
   * - images pasted into or dropped on the text go into the "Add an image" field, whose alt
   *   text is asked for; "Upload and insert" uploads (POST /api/v1/editor/images) and puts the
   *   Markdown at the cursor instead of the end. */
  const PREVIEW_PAUSE_MS = 500;
  const AUTOSAVE_PAUSE_MS = 2000;

  async function editorCall(method, url, csrf, body) {
    const json = !(body instanceof FormData);
    const headers = { 'Accept': 'application/json', 'X-CSRF-Token': csrf };
    if (json)
      headers['Content-Type'] = 'application/json';
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers,
      body: json ? JSON.stringify(body) : body,
    });
    const data = await response.json().catch(() => null);
    return { response, data };
  }

  function errorMessage(data, fallback) {
    return (data && data.error && data.error.message) || fallback;
  }

  /* The server's rendering (escaped, no raw HTML) as nodes, parsed in an inert <template> so
   * nothing loads before it is checked: an image from another site, which the save refuses and
   * the Content-Security-Policy would block, is shown as its alt text, marked. */
  function previewFragment(html) {
    const template = document.createElement('template');
    template.innerHTML = html;
    for (const img of template.content.querySelectorAll('img')) {
      const src = img.getAttribute('src') || '';
      if (src.startsWith('/') && !src.startsWith('//'))
        continue;
      const standIn = document.createElement('span');
      standIn.className = 'refused-image';
      standIn.textContent = img.getAttribute('alt') || '';
      img.replaceWith(standIn);
    }
    return template.content;
  }

  function setUpEditorPreview(form, csrf, text) {
    const field = text.closest('.field') || text.parentNode;
    const pane = document.createElement('section');
    pane.className = 'live-preview';
    pane.id = 'live-preview';
    pane.hidden = true;
    pane.setAttribute('aria-label', t('Live preview'));
    const note = document.createElement('p');
    note.className = 'live-preview-note';
    note.setAttribute('role', 'status');
    const body = document.createElement('div');
    body.className = 'body';
    pane.append(note, body);
    const toggle = document.createElement('button');
    toggle.type = 'button';
    toggle.className = 'secondary live-preview-toggle';
    toggle.setAttribute('aria-pressed', 'false');
    toggle.setAttribute('aria-controls', 'live-preview');
    toggle.setAttribute('aria-keyshortcuts', 'Control+P Meta+P');
    toggle.textContent = t('Live preview');
    const wrap = document.createElement('div');
    wrap.className = 'write-area';
    field.parentNode.insertBefore(wrap, field);
    wrap.append(field, pane);
    wrap.parentNode.insertBefore(toggle, wrap);

    let timer = null;
    let asked = 0;
    async function refresh() {
      const mine = ++asked;
      let reply;
      try {
        reply = await editorCall('POST', '/api/v1/editor/preview', csrf, { body: text.value });
      } catch (err) {
        note.textContent = t('The preview could not be updated: check your connection.');
        return;
      }
      if (mine !== asked)
        return; /* a newer preview is on its way */
      const { response, data } = reply;
      if (response.ok && data) {
        body.replaceChildren(previewFragment(data.html));
        note.textContent = data.image_problem ? data.image_problem.message :
          tn('%d word', '%d words', data.words);
        note.classList.toggle('field-error', !!data.image_problem);
      } else {
        note.textContent = errorMessage(data, t('The preview could not be updated.'));
        note.classList.add('field-error');
      }
    }
    function show(on) {
      pane.hidden = !on;
      wrap.classList.toggle('with-preview', on);
      toggle.setAttribute('aria-pressed', on ? 'true' : 'false');
      if (on)
        refresh();
    }
    toggle.addEventListener('click', () => show(pane.hidden));
    text.addEventListener('input', () => {
      if (pane.hidden)
        return;
      clearTimeout(timer);
      timer = setTimeout(refresh, PREVIEW_PAUSE_MS);
    });
    return { toggle: () => show(pane.hidden), refresh: () => { if (!pane.hidden) refresh(); } };
  }

  function setUpEditorAutosave(form, csrf, fields) {
    const status = document.getElementById('autosave-status');
    let timer = null;
    let dirty = false;
    let submitting = false;
    async function keep() {
      if (submitting)
        return;
      if (status)
        status.textContent = t('Keeping a copy…');
      const sent = {
        newsletter: Number(form.dataset.newsletter),
        episode: Number(form.dataset.episode),
        title: fields.title ? fields.title.value : '',
        subtitle: fields.subtitle ? fields.subtitle.value : '',
        body: fields.body.value,
      };
      try {
        const { response, data } = await editorCall('PUT', '/api/v1/editor/autosave', csrf, sent);
        if (!response.ok)
          throw new Error(errorMessage(data, ''));
        dirty = false;
        if (status) {
          const at = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
          status.textContent = t('A copy was kept at %s. Save to publish your changes.').replace('%s', at);
        }
      } catch (err) {
        if (status)
          status.textContent = t('No copy could be kept: check your connection, and save soon.');
      }
    }
    for (const input of Object.values(fields)) {
      if (!input)
        continue;
      input.addEventListener('input', () => {
        dirty = true;
        clearTimeout(timer);
        timer = setTimeout(keep, AUTOSAVE_PAUSE_MS);
      });
    }
    form.addEventListener('submit', () => {
      submitting = true;
      clearTimeout(timer);
    });
    window.addEventListener('beforeunload', (event) => {
      if (dirty && !submitting) {
        event.preventDefault();
        event.returnValue = '';
      }
    });
  }

  function setUpEditorImages(form, csrf, text, preview) {
    const fieldset = document.getElementById('inline-images');
    const file = document.getElementById('f-inline_image');
    const alt = document.getElementById('f-inline_alt');
    const button = form.querySelector('button[data-insert-image]');
    if (!fieldset || !file || !alt || !button)
      return;
    const note = document.createElement('p');
    note.className = 'inline-images-note';
    note.setAttribute('role', 'status');
    fieldset.appendChild(note);
    let cursor = null;
    const remember = () => { cursor = text.selectionStart; };
    for (const type of ['keyup', 'click', 'select', 'blur'])
      text.addEventListener(type, remember);

    function offer(files) {
      const image = Array.from(files || []).find((f) => /^image\//.test(f.type));
      if (!image || typeof DataTransfer === 'undefined')
        return false;
      const chosen = new DataTransfer();
      chosen.items.add(image);
      file.files = chosen.files;
      remember();
      note.textContent = t('Describe the image, then press “Upload and insert”.');
      note.classList.remove('field-error');
      fieldset.scrollIntoView({ block: 'center' });
      alt.focus();
      return true;
    }
    text.addEventListener('paste', (event) => {
      if (event.clipboardData && offer(event.clipboardData.files))
        event.preventDefault();
    });
    text.addEventListener('dragover', (event) => {
      if (event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files')) {
        event.preventDefault();
        text.classList.add('drop-target');
      }
    });
    text.addEventListener('dragleave', () => text.classList.remove('drop-target'));
    text.addEventListener('drop', (event) => {
      text.classList.remove('drop-target');
      if (event.dataTransfer && offer(event.dataTransfer.files))
        event.preventDefault();
    });

    button.addEventListener('click', async (event) => {
      event.preventDefault();
      if (!file.files || file.files.length === 0) {
        note.textContent = t('Choose an image to upload.');
        note.classList.add('field-error');
        file.focus();
        return;
      }
      if (alt.value.trim() === '') {
        note.textContent = t('Describe the image first: readers who cannot see it get this text.');
        note.classList.add('field-error');
        alt.focus();
        return;
      }
      const sent = new FormData();
      sent.append('image', file.files[0]);
      sent.append('alt', alt.value);
      button.disabled = true;
      note.classList.remove('field-error');
      note.textContent = t('Uploading…');
      try {
        const { response, data } = await editorCall('POST', '/api/v1/editor/images', csrf, sent);
        if (!response.ok || !data || !data.markdown)
          throw new Error(errorMessage(data, t('The image could not be uploaded.')));
        const at = cursor === null ? text.value.length : cursor;
        const before = text.value.slice(0, at);
        const after = text.value.slice(at);
        const lead = before === '' || before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
        const tail = after.startsWith('\n') ? '\n' : '\n\n';
        text.value = before + lead + data.markdown + tail + after;
        const end = (before + lead + data.markdown).length;
        text.focus();
        text.setSelectionRange(end, end);
        cursor = end;
        text.dispatchEvent(new Event('input')); /* autosave and preview follow */
        file.value = '';
        alt.value = '';
        note.textContent = t('The image is in the text.');
        preview.refresh();
      } catch (err) {
        note.textContent = err.message || t('The image could not be uploaded.');
        note.classList.add('field-error');
      } finally {
        button.disabled = false;
      }
    });
  }

  function setUpEditor() {
    const form = document.querySelector('form[data-episode-editor]');
    const csrfField = form && form.querySelector('input[name="_csrf"]');
    const text = form && form.querySelector('textarea[name="body"]');
    if (!form || !csrfField || !text || typeof fetch !== 'function')
      return;
    const csrf = csrfField.value;
    const preview = setUpEditorPreview(form, csrf, text);
    setUpEditorAutosave(form, csrf, {
      title: form.querySelector('input[name="title"]'),
      subtitle: form.querySelector('input[name="subtitle"]'),
      body: text,
    });
    setUpEditorImages(form, csrf, text, preview);
    document.addEventListener('keydown', (event) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey)
        return;
      const key = event.key.toLowerCase();
      if (key === 's') {
        event.preventDefault();
        const save = form.querySelector('button[data-shortcut="save"]');
        if (save && typeof form.requestSubmit === 'function')
          form.requestSubmit(save);
        else if (save)
          save.click();
      } else if (key === 'p' && !event.shiftKey) {
        event.preventDefault();
        preview.toggle();
      }
    });
  }

  /* ---------------------------------------------------------------- member pages: replies on demand */

  /* A comment's "Reply" is a link to a page with the form (GET /comments/ID/reply). Here it
   * opens the form in place instead: a copy of its thread's template (template.kd-reply, which
   * posts where the thread's comments do) with the page's one token and the comment as parent.
   * Again, it closes it. */
  function setUpReplies() {
    const form = document.getElementById('kd-act');
    if (!form)
      return;
    document.addEventListener('click', (event) => {
      const link = event.target.closest('.comment-actions > a.reply');
      if (!link)
        return;
      const parent = (link.getAttribute('href').match(/^\/comments\/(\d+)\/reply$/) || [])[1];
      const thread = link.closest('.thread');
      const template = (thread && thread.querySelector(':scope > template.kd-reply')) ||
        document.querySelector('template.kd-reply');
      const csrf = form.querySelector('input[name="_csrf"]');
      if (!parent || !template || !csrf)
        return; /* the reply page, then */
      event.preventDefault();
      const open = link.parentElement.querySelector(':scope > form.reply-form');
      if (open) {
        open.remove();
        link.setAttribute('aria-expanded', 'false');
        return;
      }
      const reply = template.content.firstElementChild.cloneNode(true);
      reply.prepend(csrf.cloneNode());
      reply.querySelector('input[name="parent"]').value = parent;
      const text = reply.querySelector('textarea');
      text.id = 'reply-' + parent;
      reply.querySelector('label').htmlFor = text.id;
      link.after(reply);
      link.setAttribute('aria-expanded', 'true');
      text.focus();
    });
  }

  function start() {
    setUpReadingBeacons();
    setUpConfirmations();
    setUpConfirmedForms();
    setUpReactions();
    setUpReplies();
    setUpVotes();
    markPassages();
    setUpQuoting();
    setUpEditor();
  }

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', start);
  else
    start();
})();
