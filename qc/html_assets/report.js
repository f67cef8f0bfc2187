/* newsqc audit report: documents table, document view, cluster comparison.
 * Vanilla JS, no dependencies, no network. Document text is only ever written with text nodes
 * (append(string) / textContent), never parsed as HTML. */
(function () {
  'use strict';

  var IDX = JSON.parse(document.getElementById('qc-index').textContent);
  var N = IDX.n, CH = IDX.chunk;
  var VERDICTS = IDX.verdicts, SEVS = IDX.severities;

  // ------------------------------------------------------------------ helpers
  function $(sel, root) { return (root || document).querySelector(sel); }
  function h(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), v);
        else if (k === 'style') { for (var s in v) e.style.setProperty(s, v[s]); }
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x != null && x !== false) e.append(x); });
      else e.append(c);
    }
    return e;
  }
  function fmt(n) { return Number(n).toLocaleString('en-US'); }
  function fmtScore(s) { return s < 0 ? '–' : (s / 1000).toFixed(3); }
  function famOf(ruleIdx) { return IDX.ruleFamily[ruleIdx]; }
  function famColor(fi) { return IDX.famColors[fi] || '#5c677d'; }
  function famName(fi) { return IDX.families[fi] || '?'; }
  function swatch(fi) {
    return h('span', { class: 'sw', style: { background: famColor(fi) }, 'aria-hidden': 'true' });
  }
  function fixText(fix) {
    if (fix === null || fix === undefined) return 'flag only (no automatic fix)';
    if (fix === '') return 'remove';
    return 'replace with “' + (fix.length > 80 ? fix.slice(0, 79) + '…' : fix) + '”';
  }
  function isTyping(ev) {
    var t = ev.target;
    return t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
  }

  // ------------------------------------------------------------------ chunk loading
  var cache = new Map(), waiting = new Map();
  var CACHE_MAX = 48;
  function remember(k, data) {
    cache.set(k, data);
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value);
  }
  window.qcChunk = function (k, data) {
    remember(k, data);
    var w = waiting.get(k);
    if (w) { waiting.delete(k); w.resolve(data); }
  };
  function loadChunk(k) {
    if (cache.has(k)) return Promise.resolve(cache.get(k));
    if (IDX.inline) {
      var node = document.getElementById('qc-chunk-' + k);
      if (!node) return Promise.reject(new Error('chunk ' + k + ' is missing from the page'));
      var data = JSON.parse(node.textContent);
      remember(k, data);
      return Promise.resolve(data);
    }
    if (waiting.has(k)) return waiting.get(k).promise;
    var w = {};
    w.promise = new Promise(function (resolve, reject) { w.resolve = resolve; w.reject = reject; });
    waiting.set(k, w);
    var s = document.createElement('script');
    s.src = IDX.dir + '/c' + String(k).padStart(5, '0') + '.js';
    s.onerror = function () {
      waiting.delete(k);
      w.reject(new Error('could not load ' + s.src + ' (keep the ' + IDX.dir + '/ folder next to report.html)'));
    };
    document.head.appendChild(s);
    return w.promise;
  }
  function getDoc(i) {
    return loadChunk(Math.floor(i / CH)).then(function (c) { return c[i % CH]; });
  }
  function findingsOf(d) {
    return d.f.map(function (f, k) {
      return { k: k, ri: f[0], rule: IDX.rules[f[0]], fi: famOf(f[0]), sev: SEVS[f[1]] || 'warning',
        s: f[2], e: f[3], msg: f[4], fix: f[5], score: f[6], exc: f[7], data: f[8] };
    });
  }

  // ------------------------------------------------------------------ table state
  var state = { verdict: -1, family: -1, rule: -1, lang: -1, cluster: -1, smin: '', smax: '', q: '', flag: '',
    sort: 'i', dir: 1, page: 0, size: 50 };
  var DEFAULTS = JSON.parse(JSON.stringify(state));
  var view = null;       // Int32Array of ordinals matching the filters, sorted
  var idsLower = null;

  function paramsFromState() {
    var p = new URLSearchParams();
    if (state.verdict >= 0) p.set('verdict', VERDICTS[state.verdict]);
    if (state.family >= 0) p.set('family', IDX.families[state.family]);
    if (state.rule >= 0) p.set('rule', IDX.rules[state.rule]);
    if (state.lang >= 0) p.set('lang', IDX.langs[state.lang]);
    if (state.cluster >= 0) p.set('cluster', String(state.cluster));
    if (state.smin !== '') p.set('smin', state.smin);
    if (state.smax !== '') p.set('smax', state.smax);
    if (state.q) p.set('q', state.q);
    if (state.flag) p.set('flag', state.flag);
    if (state.sort !== 'i' || state.dir !== 1) { p.set('sort', state.sort); p.set('dir', state.dir > 0 ? 'asc' : 'desc'); }
    if (state.page) p.set('page', String(state.page + 1));
    if (state.size !== 50) p.set('size', String(state.size));
    return p.toString();
  }
  function stateFromParams(qs) {
    var p = new URLSearchParams(qs);
    var s = JSON.parse(JSON.stringify(DEFAULTS));
    s.size = state.size;
    if (p.has('verdict')) s.verdict = VERDICTS.indexOf(p.get('verdict'));
    if (p.has('family')) s.family = IDX.families.indexOf(p.get('family'));
    if (p.has('rule')) s.rule = IDX.rules.indexOf(p.get('rule'));
    if (p.has('lang')) s.lang = IDX.langs.indexOf(p.get('lang'));
    if (p.has('cluster')) s.cluster = parseInt(p.get('cluster'), 10);
    if (p.has('smin')) s.smin = p.get('smin');
    if (p.has('smax')) s.smax = p.get('smax');
    if (p.has('q')) s.q = p.get('q');
    if (p.has('flag')) s.flag = p.get('flag');
    if (p.has('sort')) s.sort = p.get('sort');
    if (p.has('dir')) s.dir = p.get('dir') === 'desc' ? -1 : 1;
    if (p.has('page')) s.page = Math.max(0, (parseInt(p.get('page'), 10) || 1) - 1);
    if (p.has('size')) s.size = parseInt(p.get('size'), 10) || 50;
    if (isNaN(s.cluster)) s.cluster = -1;
    state = s;
  }

  function popcount(x) { var c = 0; while (x) { c += x & 1; x >>>= 1; } return c; }
  var SORTS = {
    i: function (i) { return i; },
    id: function (i) { return IDX.id[i]; },
    verdict: function (i) { return IDX.verdict[i]; },
    score: function (i) { return IDX.score[i]; },
    lang: function (i) { return IDX.langs[IDX.lang[i]]; },
    chars: function (i) { return IDX.chars[i]; },
    nf: function (i) { return IDX.nf[i]; },
    fam: function (i) { return popcount(IDX.fam[i]); },
    rm: function (i) { return IDX.rm[i]; },
    dup: function (i) { return IDX.dup[i] >= 0 ? 2 : (IDX.cl[i] >= 0 ? 1 : 0); }
  };

  var viewKey = null;
  function computeView() {
    var key0 = JSON.stringify([state.verdict, state.family, state.rule, state.lang, state.cluster, state.smin,
      state.smax, state.q, state.flag, state.sort, state.dir]);
    if (view && key0 === viewKey) return;  // paging reuses the filtered, sorted list
    viewKey = key0;
    var out = [];
    var smin = state.smin === '' ? -Infinity : Math.round(parseFloat(state.smin) * 1000);
    var smaxRaw = state.smax === '' ? Infinity : Math.round(parseFloat(state.smax) * 1000);
    var q = state.q.trim().toLowerCase();
    if (q && !idsLower) idsLower = IDX.id.map(function (x) { return x.toLowerCase(); });
    var famBit = state.family >= 0 ? (1 << state.family) : 0;
    for (var i = 0; i < N; i++) {
      if (state.verdict >= 0 && IDX.verdict[i] !== state.verdict) continue;
      if (famBit && !(IDX.fam[i] & famBit)) continue;
      if (state.rule >= 0 && IDX.dr[i].indexOf(state.rule) < 0) continue;
      if (state.lang >= 0 && IDX.lang[i] !== state.lang) continue;
      if (state.cluster >= 0 && IDX.cl[i] !== state.cluster) continue;
      var sc = IDX.score[i];
      if (smin !== -Infinity || smaxRaw !== Infinity) {
        if (sc < 0 || sc < smin) continue;
        if (sc >= smaxRaw && !(smaxRaw >= 1000 && sc <= 1000)) continue;
      }
      if (q && idsLower[i].indexOf(q) < 0) continue;
      if (state.flag === 'err' && !IDX.err[i]) continue;
      if (state.flag === 'dup' && IDX.dup[i] < 0 && IDX.cl[i] < 0) continue;
      if (state.flag === 'edited' && !IDX.ed[i]) continue;
      if (state.flag === 'dropped' && !IDX.drop[i]) continue;
      if (state.flag === 'clean' && IDX.nf[i]) continue;
      out.push(i);
    }
    var key = SORTS[state.sort] || SORTS.i, dir = state.dir;
    if (state.sort !== 'i' || dir !== 1) {
      var keys = new Array(N);
      for (var j = 0; j < out.length; j++) keys[out[j]] = key(out[j]);
      out.sort(function (a, b) {
        var ka = keys[a], kb = keys[b];
        if (ka < kb) return -dir;
        if (ka > kb) return dir;
        return a - b;
      });
    }
    view = Int32Array.from(out);
  }

  // ------------------------------------------------------------------ documents view
  var COLS = [
    ['i', '#', 'num'], ['id', 'Document', ''], ['verdict', 'Verdict', ''], ['score', 'Score', 'num'],
    ['lang', 'Lang', ''], ['chars', 'Chars', 'num'], ['nf', 'Findings', 'num'], ['fam', 'Families', ''],
    ['rm', 'Removed', 'num'], ['dup', 'Duplicate', '']
  ];
  var docsBuilt = false, tbody, summaryLine, pagerEls = [];

  function option(value, label, selected) {
    return h('option', { value: value, selected: selected ? true : null }, label);
  }
  function buildDocsView() {
    var sec = $('#view-documents');
    sec.textContent = '';
    var ruleOrder = IDX.rules.map(function (r, i) { return i; })
      .sort(function (a, b) { return IDX.rules[a] < IDX.rules[b] ? -1 : 1; });
    var langOrder = IDX.langs.map(function (r, i) { return i; })
      .sort(function (a, b) { return IDX.langs[a] < IDX.langs[b] ? -1 : 1; });
    function sel(id, label, opts, onchange) {
      var s = h('select', { id: id, onchange: onchange }, opts);
      return h('label', { class: 'fld' }, h('span', null, label), s);
    }
    var form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter documents',
      onsubmit: function (ev) { ev.preventDefault(); } },
      h('label', { class: 'fld grow' }, h('span', null, 'Search id'),
        h('input', { id: 'f-q', type: 'search', placeholder: 'id contains… (press / to focus)', autocomplete: 'off',
          oninput: debounce(function (ev) { state.q = ev.target.value; state.page = 0; refresh(true); }, 150) })),
      sel('f-verdict', 'Verdict', [option('-1', 'any')].concat(VERDICTS.map(function (v, i) {
        return option(String(i), v); })), function (ev) { state.verdict = +ev.target.value; state.page = 0; refresh(true); }),
      sel('f-family', 'Family', [option('-1', 'any')].concat(IDX.families.map(function (f, i) {
        return option(String(i), f); })), function (ev) { state.family = +ev.target.value; state.page = 0; refresh(true); }),
      sel('f-rule', 'Rule', [option('-1', 'any')].concat(ruleOrder.map(function (i) {
        return option(String(i), IDX.rules[i]); })), function (ev) { state.rule = +ev.target.value; state.page = 0; refresh(true); }),
      sel('f-lang', 'Language', [option('-1', 'any')].concat(langOrder.map(function (i) {
        return option(String(i), IDX.langs[i]); })), function (ev) { state.lang = +ev.target.value; state.page = 0; refresh(true); }),
      h('label', { class: 'fld sm' }, h('span', null, 'Score ≥'),
        h('input', { id: 'f-smin', type: 'number', min: 0, max: 1, step: 0.05, inputmode: 'decimal',
          onchange: function (ev) { state.smin = ev.target.value; state.page = 0; refresh(true); } })),
      h('label', { class: 'fld sm' }, h('span', null, 'Score <'),
        h('input', { id: 'f-smax', type: 'number', min: 0, max: 1, step: 0.05, inputmode: 'decimal',
          onchange: function (ev) { state.smax = ev.target.value; state.page = 0; refresh(true); } })),
      sel('f-flag', 'Show', [option('', 'all documents'), option('err', 'with errors'),
        option('dup', 'near-duplicates'), option('edited', 'changed by cleaning'), option('dropped', 'dropped'),
        option('clean', 'without findings')],
        function (ev) { state.flag = ev.target.value; state.page = 0; refresh(true); }),
      h('button', { type: 'button', class: 'btn', onclick: function () {
        state = Object.assign(JSON.parse(JSON.stringify(DEFAULTS)), { size: state.size }); refresh(true); } }, 'Reset')
    );
    summaryLine = h('p', { class: 'count', role: 'status', 'aria-live': 'polite' });
    var headRow = h('tr', null, COLS.map(function (c) {
      var btn = h('button', { type: 'button', class: 'sort', 'data-key': c[0], onclick: function () {
        if (state.sort === c[0]) state.dir = -state.dir;
        else { state.sort = c[0]; state.dir = (c[2] === 'num' && c[0] !== 'i') || c[0] === 'verdict' ? -1 : 1; }
        state.page = 0; refresh(true);
      } }, c[1], h('span', { class: 'arrow', 'aria-hidden': 'true' }));
      return h('th', { scope: 'col', class: c[2], 'data-key': c[0] }, btn);
    }));
    tbody = h('tbody');
    var table = h('table', { class: 'docs', id: 'docs-table' }, h('caption', { class: 'sr' }, 'Documents'),
      h('thead', null, headRow), tbody);
    function pager() {
      var p = h('nav', { class: 'pager', 'aria-label': 'Pages' });
      pagerEls.push(p);
      return p;
    }
    sec.append(h('h2', { class: 'sr' }, 'Documents'), form, summaryLine, pager(),
      h('div', { class: 'tablewrap' }, table), pager());
    docsBuilt = true;
  }
  function debounce(fn, ms) {
    var t = null;
    return function () { var a = arguments, self = this; clearTimeout(t); t = setTimeout(function () { fn.apply(self, a); }, ms); };
  }
  function syncControls() {
    $('#f-q').value = state.q;
    $('#f-verdict').value = String(state.verdict);
    $('#f-family').value = String(state.family);
    $('#f-rule').value = String(state.rule);
    $('#f-lang').value = String(state.lang);
    $('#f-smin').value = state.smin;
    $('#f-smax').value = state.smax;
    $('#f-flag').value = state.flag;
    document.querySelectorAll('#docs-table th').forEach(function (th) {
      var k = th.getAttribute('data-key');
      th.setAttribute('aria-sort', state.sort === k ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
      th.querySelector('.arrow').textContent = state.sort === k ? (state.dir > 0 ? ' ▲' : ' ▼') : '';
    });
  }
  function refresh(writeHash) {
    if (!docsBuilt) buildDocsView();
    computeView();
    var pages = Math.max(1, Math.ceil(view.length / state.size));
    if (state.page >= pages) state.page = pages - 1;
    if (writeHash) history.replaceState(null, '', '#documents' + (paramsFromState() ? '?' + paramsFromState() : ''));
    syncControls();
    renderRows();
    var a = view.length ? state.page * state.size + 1 : 0, b = Math.min(view.length, (state.page + 1) * state.size);
    var extra = [];
    if (state.cluster >= 0) extra.push('cluster ' + IDX.clusters[state.cluster]);
    summaryLine.textContent = 'Showing ' + fmt(a) + '–' + fmt(b) + ' of ' + fmt(view.length) + ' documents' +
      (view.length !== N ? ' (filtered from ' + fmt(N) + ')' : '') + (extra.length ? ' · ' + extra.join(', ') : '');
    pagerEls.forEach(function (p) { renderPager(p, pages); });
  }
  function renderPager(p, pages) {
    p.textContent = '';
    function go(n, label, aria) {
      return h('button', { type: 'button', class: 'btn', disabled: n < 0 || n >= pages || n === state.page ? true : null,
        'aria-label': aria, onclick: function () { state.page = n; refresh(true); } }, label);
    }
    var sizeSel = h('select', { 'aria-label': 'Rows per page', onchange: function (ev) {
      state.size = +ev.target.value; state.page = 0; refresh(true); } },
      [25, 50, 100, 250].map(function (n) { return option(String(n), n + ' / page', n === state.size); }));
    p.append(go(0, '«', 'First page'), go(state.page - 1, '‹ Prev', 'Previous page'),
      h('span', { class: 'pg' }, 'Page ' + fmt(state.page + 1) + ' of ' + fmt(pages)),
      go(state.page + 1, 'Next ›', 'Next page'), go(pages - 1, '»', 'Last page'), sizeSel);
  }
  function famDots(mask) {
    var out = [];
    for (var f = 0; f < IDX.families.length; f++) {
      if (mask & (1 << f)) out.push(h('span', { class: 'dot', style: { background: famColor(f) }, title: famName(f) }));
    }
    var names = [];
    for (var g = 0; g < IDX.families.length; g++) if (mask & (1 << g)) names.push(famName(g));
    return h('span', { class: 'dots', 'aria-label': names.join(', ') || 'none' }, out);
  }
  function verdictBadge(v) { return h('span', { class: 'badge v-' + VERDICTS[v] }, VERDICTS[v]); }
  function renderRows() {
    tbody.textContent = '';
    var start = state.page * state.size, end = Math.min(view.length, start + state.size);
    var frag = document.createDocumentFragment();
    for (var r = start; r < end; r++) {
      var i = view[r];
      var sc = IDX.score[i];
      var dupCell = IDX.dup[i] >= 0 ? h('a', { href: '#doc/' + IDX.dup[i], title: 'duplicate of ' + IDX.id[IDX.dup[i]] },
        '≈ ' + IDX.id[IDX.dup[i]]) : (IDX.cl[i] >= 0 ? h('span', { class: 'muted' }, 'cluster ' + IDX.clusters[IDX.cl[i]]) : '');
      frag.append(h('tr', { 'data-i': i, class: IDX.drop[i] ? 'dropped' : null },
        h('td', { class: 'num muted' }, String(i)),
        h('td', { class: 'id' }, h('a', { href: '#doc/' + i, class: 'doclink' }, IDX.id[i]),
          IDX.err[i] ? h('span', { class: 'badge v-fail', title: 'the document could not be fully checked' }, 'error') : null),
        h('td', null, verdictBadge(IDX.verdict[i])),
        h('td', { class: 'num' }, h('span', { class: 'scorebar', 'aria-hidden': 'true' },
          h('span', { style: { width: (sc < 0 ? 0 : sc / 10) + '%' } })), fmtScore(sc)),
        h('td', null, IDX.langs[IDX.lang[i]]),
        h('td', { class: 'num' }, fmt(IDX.chars[i])),
        h('td', { class: 'num' }, fmt(IDX.nf[i])),
        h('td', null, famDots(IDX.fam[i])),
        h('td', { class: 'num' }, IDX.rm[i] ? fmt(IDX.rm[i]) : ''),
        h('td', { class: 'dupc' }, dupCell)));
    }
    if (start >= end) frag.append(h('tr', null, h('td', { colspan: COLS.length, class: 'empty' }, 'No documents match these filters.')));
    tbody.append(frag);
  }

  // ------------------------------------------------------------------ document view
  var cur = null; // {i, d, fs, marks: Map k -> [elements], sel}

  function clusterMembers(i) {
    var set = new Set();
    var c = IDX.cl[i];
    if (c >= 0) for (var j = 0; j < N; j++) if (IDX.cl[j] === c) set.add(j);
    if (IDX.dup[i] >= 0) set.add(IDX.dup[i]);
    for (var k = 0; k < N; k++) if (IDX.dup[k] === i) set.add(k);
    set.delete(i);
    return Array.from(set).sort(function (a, b) { return a - b; });
  }

  function showDoc(i) {
    var sec = $('#view-document');
    sec.textContent = '';
    if (!(i >= 0 && i < N)) { sec.append(h('p', { class: 'empty' }, 'No such document.')); return; }
    sec.append(h('p', { class: 'muted' }, 'Loading ' + IDX.id[i] + '…'));
    getDoc(i).then(function (d) { renderDoc(i, d); }, function (err) {
      sec.textContent = '';
      sec.append(h('p', { class: 'error', role: 'alert' }, 'Cannot show this document: ' + err.message));
    });
  }

  function neighbours(i) {
    if (!view) computeView();
    var pos = view.indexOf(i);
    if (pos < 0) return [i > 0 ? i - 1 : -1, i < N - 1 ? i + 1 : -1];
    return [pos > 0 ? view[pos - 1] : -1, pos < view.length - 1 ? view[pos + 1] : -1];
  }

  function renderDoc(i, d) {
    var sec = $('#view-document');
    sec.textContent = '';
    var fs = findingsOf(d);
    var text = d.t;
    var len = text === null ? 0 : text.length;
    fs.forEach(function (f) { f.whole = text !== null && len > 0 && f.s <= 0 && f.e >= len; });
    cur = { i: i, d: d, fs: fs, marks: new Map(), sel: -1, mode: 'orig' };
    var nb = neighbours(i);
    var backHref = '#documents' + (paramsFromState() ? '?' + paramsFromState() : '');

    var meta = h('dl', { class: 'meta' },
      h('dt', null, 'Verdict'), h('dd', null, verdictBadge(IDX.verdict[i])),
      h('dt', null, 'Score'), h('dd', null, fmtScore(IDX.score[i])),
      h('dt', null, 'Language'), h('dd', null, IDX.langs[IDX.lang[i]]),
      h('dt', null, 'Characters'), h('dd', null, fmt(IDX.chars[i])),
      h('dt', null, 'Removed'), h('dd', null, fmt(IDX.rm[i])),
      d.src ? h('dt', null, 'Source') : null, d.src ? h('dd', { class: 'src' }, d.src) : null,
      IDX.cl[i] >= 0 ? h('dt', null, 'Cluster') : null,
      IDX.cl[i] >= 0 ? h('dd', null, h('a', { href: '#documents?cluster=' + IDX.cl[i] }, IDX.clusters[IDX.cl[i]])) : null,
      IDX.dup[i] >= 0 ? h('dt', null, 'Duplicate of') : null,
      IDX.dup[i] >= 0 ? h('dd', null, h('a', { href: '#doc/' + IDX.dup[i] }, IDX.id[IDX.dup[i]])) : null);

    var toolbar = h('div', { class: 'doc-toolbar' },
      h('a', { class: 'btn', href: backHref }, '← Documents'),
      h('a', { class: 'btn', href: nb[0] >= 0 ? '#doc/' + nb[0] : null, 'aria-disabled': nb[0] < 0 ? 'true' : null,
        title: 'previous document in the list ([)' }, '‹ Prev'),
      h('a', { class: 'btn', href: nb[1] >= 0 ? '#doc/' + nb[1] : null, 'aria-disabled': nb[1] < 0 ? 'true' : null,
        title: 'next document in the list (])' }, 'Next ›'),
      h('span', { class: 'seg-ctl', role: 'group', 'aria-label': 'Text version' },
        h('button', { type: 'button', class: 'btn', id: 'mode-orig', 'aria-pressed': 'true',
          onclick: function () { setMode('orig'); }, title: 'original text with findings (o)' }, 'Original'),
        h('button', { type: 'button', class: 'btn', id: 'mode-clean', 'aria-pressed': 'false',
          onclick: function () { setMode('clean'); }, title: 'cleaned text, removals struck through (c)' }, 'Cleaned')),
      h('label', { class: 'chk', id: 'show-removed-l', hidden: true },
        h('input', { type: 'checkbox', id: 'show-removed', checked: true, onchange: function (ev) {
          $('#doc-text').classList.toggle('hide-removed', !ev.target.checked); } }), ' show removed text'),
      h('span', { class: 'keys muted' }, 'keys: j/k findings · o/c versions · [ ] documents · Esc back'));

    var banners = [];
    if (d.x) banners.push(h('p', { class: 'banner bad', role: 'alert' }, 'Error: ' + d.x));
    if (d.drop) banners.push(h('p', { class: 'banner' }, 'This document is dropped from the cleaned output' +
      (IDX.dup[i] >= 0 ? ' as a near-duplicate of ' + IDX.id[IDX.dup[i]] : '') + '.'));
    var whole = fs.filter(function (f) { return f.whole; });
    if (whole.length) {
      banners.push(h('div', { class: 'banner' }, h('strong', null, 'Whole-document findings: '),
        whole.map(function (f) {
          return h('button', { type: 'button', class: 'chip', onclick: function () { selectFinding(f.k, true); } },
            swatch(f.fi), f.rule + ' — ' + (f.msg.length > 120 ? f.msg.slice(0, 119) + '…' : f.msg));
        })));
    }

    var textBox = h('div', { id: 'doc-text', class: 'doc-text', tabindex: '-1', 'aria-label': 'Document text' });
    var legendFams = [];
    fs.forEach(function (f) { if (legendFams.indexOf(f.fi) < 0) legendFams.push(f.fi); });
    var legend = h('p', { class: 'legend' }, legendFams.map(function (fi) {
      return h('span', { class: 'lg' }, swatch(fi), famName(fi) + ' ');
    }));

    var list = h('ol', { class: 'findings', id: 'finding-list', 'aria-label': 'Findings' });
    fs.forEach(function (f) {
      var loc = f.whole ? 'whole document' : (f.s === f.e ? 'at ' + f.s : 'chars ' + fmt(f.s) + '–' + fmt(f.e));
      var body = h('div', { class: 'fbody' },
        h('div', { class: 'frow' }, swatch(f.fi), h('span', { class: 'rule' }, f.rule),
          h('span', { class: 'sev s-' + f.sev }, f.sev)),
        h('div', { class: 'msg' }, f.msg),
        h('div', { class: 'fix muted' }, 'fix: ' + fixText(f.fix) + ' · ' + loc +
          (f.score !== null && f.score !== undefined ? ' · score ' + f.score : '')),
        text === null && f.exc ? h('blockquote', { class: 'exc' }, f.exc) : null,
        f.data ? h('code', { class: 'data' }, JSON.stringify(f.data)) : null);
      list.append(h('li', null, h('button', { type: 'button', class: 'fcard', id: 'fc-' + f.k, 'data-k': f.k,
        onclick: function () { selectFinding(f.k, true); } }, body)));
    });
    if (!fs.length) list.append(h('li', { class: 'empty' }, 'No findings.'));

    sec.append.apply(sec, [
      h('div', { class: 'doc-head' }, h('h2', { class: 'docid', tabindex: '-1' }, IDX.id[i]), meta),
      toolbar].concat(banners, [
      h('div', { class: 'doc-body' },
        h('div', { class: 'doc-main' }, legend, textBox),
        h('aside', { class: 'doc-side', 'aria-label': 'Findings list' },
          h('h3', null, fmt(fs.length) + ' finding' + (fs.length === 1 ? '' : 's')), list)),
      renderCluster(i, d)]).filter(function (x) { return x !== null && x !== undefined; }));
    var tab = $('#tab-doc');
    tab.hidden = false;
    tab.textContent = 'Document: ' + (IDX.id[i].length > 28 ? IDX.id[i].slice(0, 27) + '…' : IDX.id[i]);
    tab.setAttribute('href', '#doc/' + i);
    setMode('orig');
    sec.querySelector('.docid').focus({ preventScroll: true });
  }

  function setMode(mode) {
    if (!cur) return;
    cur.mode = mode;
    $('#mode-orig').setAttribute('aria-pressed', String(mode === 'orig'));
    $('#mode-clean').setAttribute('aria-pressed', String(mode === 'clean'));
    $('#show-removed-l').hidden = mode !== 'clean';
    var box = $('#doc-text');
    box.textContent = '';
    cur.marks = new Map();
    box.classList.toggle('hide-removed', mode === 'clean' && !$('#show-removed').checked);
    if (cur.d.t === null) {
      box.append(h('p', { class: 'muted' }, 'The original text is not in this report (texts.jsonl was not written); ' +
        'findings are listed with their excerpts.'));
      if (mode === 'clean') renderEditsList(box, cur.d);
      return;
    }
    if (mode === 'orig') renderMarked(box, cur.d.t, cur.fs);
    else renderCleaned(box, cur.d);
    if (cur.sel >= 0) selectFinding(cur.sel, false);
  }

  function renderMarked(box, text, fs) {
    var spans = fs.filter(function (f) { return f.e > f.s && !f.whole; })
      .sort(function (a, b) { return a.s - b.s || b.e - a.e; });
    var pts = fs.filter(function (f) { return f.e === f.s && !f.whole; }).sort(function (a, b) { return a.s - b.s; });
    var cuts = new Set([0, text.length]);
    spans.forEach(function (f) { cuts.add(f.s); cuts.add(f.e); });
    pts.forEach(function (f) { cuts.add(f.s); });
    var bounds = Array.from(cuts).sort(function (a, b) { return a - b; });
    var frag = document.createDocumentFragment();
    var active = [], si = 0, pi = 0;
    function addMark(k, el) { if (!cur.marks.has(k)) cur.marks.set(k, []); cur.marks.get(k).push(el); }
    function point(f) {
      var m = h('mark', { class: 'hl pt', tabindex: '0', 'data-f': String(f.k), title: tip([f]),
        style: { '--fc': famColor(f.fi) }, 'aria-label': f.rule + ': ' + f.msg }, '\u200b');
      addMark(f.k, m);
      return m;
    }
    for (var b = 0; b < bounds.length; b++) {
      var a = bounds[b];
      while (pi < pts.length && pts[pi].s === a) frag.append(point(pts[pi++]));
      if (b === bounds.length - 1) break;
      var z = bounds[b + 1];
      while (si < spans.length && spans[si].s <= a) active.push(spans[si++]);
      active = active.filter(function (f) { return f.e > a; });
      var seg = text.slice(a, z);
      if (!active.length) { frag.append(seg); continue; }
      var best = active[0];
      var starts = false;
      for (var q = 0; q < active.length; q++) {
        if (active[q].e - active[q].s < best.e - best.s) best = active[q];
        if (active[q].s === a) starts = true;
      }
      var m = h('mark', { class: 'hl' + (active.length > 1 ? ' multi' : ''), tabindex: starts ? '0' : null,
        'data-f': active.map(function (f) { return f.k; }).join(' '), title: tip(active),
        style: { '--fc': famColor(best.fi) } }, seg);
      for (var r = 0; r < active.length; r++) addMark(active[r].k, m);
      frag.append(m);
    }
    box.append(frag);
  }
  function tip(list) {
    return list.map(function (f) { return f.rule + ' (' + f.sev + '): ' + f.msg + '\nfix: ' + fixText(f.fix); }).join('\n\n');
  }

  function renderCleaned(box, d) {
    var text = d.t, pos = 0;
    var frag = document.createDocumentFragment();
    d.e.forEach(function (e) {
      var s = e[0], t = e[1], nw = e[2], rule = IDX.rules[e[3]];
      if (s < pos) return;
      frag.append(text.slice(pos, s));
      var c = famColor(famOf(e[3]));
      if (t > s) frag.append(h('del', { title: 'removed by ' + rule, style: { '--fc': c } }, text.slice(s, t)));
      if (nw) frag.append(h('ins', { title: 'inserted by ' + rule, style: { '--fc': c } }, nw));
      pos = t;
    });
    frag.append(text.slice(pos));
    if (!d.e.length) box.append(h('p', { class: 'muted note' }, 'Cleaning did not change this document.'));
    if (d.drop) box.append(h('p', { class: 'banner' }, 'Dropped from the cleaned output; the text below shows what it would be.'));
    box.append(frag);
  }
  function renderEditsList(box, d) {
    var ul = h('ul', { class: 'edits' });
    d.e.forEach(function (e) {
      ul.append(h('li', null, IDX.rules[e[3]] + ': ', h('del', null, e[4] || ''), ' → ', h('ins', null, e[2])));
    });
    box.append(d.e.length ? ul : h('p', { class: 'muted' }, 'Cleaning did not change this document.'));
  }

  function selectFinding(k, scroll) {
    if (!cur) return;
    if (cur.mode !== 'orig' && scroll) setMode('orig');
    document.querySelectorAll('#doc-text mark.sel').forEach(function (m) { m.classList.remove('sel'); });
    document.querySelectorAll('.fcard.sel').forEach(function (m) { m.classList.remove('sel'); m.removeAttribute('aria-current'); });
    cur.sel = k;
    var card = document.getElementById('fc-' + k);
    if (card) { card.classList.add('sel'); card.setAttribute('aria-current', 'true'); }
    var marks = cur.marks.get(k) || [];
    marks.forEach(function (m) { m.classList.add('sel'); });
    if (scroll) {
      if (marks.length) { marks[0].scrollIntoView({ block: 'center' }); marks[0].focus({ preventScroll: true }); }
      if (card) card.scrollIntoView({ block: 'nearest' });
    }
  }
  function stepFinding(delta) {
    if (!cur || !cur.fs.length) return;
    var order = cur.fs.slice().sort(function (a, b) { return a.s - b.s || a.e - b.e; }).map(function (f) { return f.k; });
    var pos = order.indexOf(cur.sel);
    var next = pos < 0 ? (delta > 0 ? 0 : order.length - 1) : (pos + delta + order.length) % order.length;
    selectFinding(order[next], true);
    var m = (cur.marks.get(order[next]) || [])[0];
    if (!m) { var c = document.getElementById('fc-' + order[next]); if (c) c.focus(); }
  }

  // popover for marks
  var pop = h('div', { class: 'pop', id: 'pop', role: 'dialog', 'aria-label': 'Findings at this place', hidden: true });
  document.body.append(pop);
  function openPop(mark) {
    var ks = mark.getAttribute('data-f').split(' ').map(Number);
    pop.textContent = '';
    ks.forEach(function (k) {
      var f = cur.fs[k];
      pop.append(h('div', { class: 'pitem' },
        h('div', { class: 'frow' }, swatch(f.fi), h('strong', null, f.rule), h('span', { class: 'sev s-' + f.sev }, f.sev)),
        h('div', null, f.msg), h('div', { class: 'muted' }, 'fix: ' + fixText(f.fix))));
    });
    pop.append(h('p', { class: 'muted small' }, 'Esc to close'));
    pop.hidden = false;
    var r = mark.getBoundingClientRect();
    var top = window.scrollY + r.bottom + 6, left = window.scrollX + Math.max(8, Math.min(r.left, window.innerWidth - 380));
    pop.style.top = top + 'px';
    pop.style.left = left + 'px';
    selectFinding(ks[0], false);
    var card = document.getElementById('fc-' + ks[0]);
    if (card) card.scrollIntoView({ block: 'nearest' });
  }
  function closePop() { pop.hidden = true; }
  document.addEventListener('click', function (ev) {
    var m = ev.target.closest && ev.target.closest('#doc-text mark');
    if (m) { openPop(m); return; }
    if (!ev.target.closest || !ev.target.closest('#pop')) closePop();
  });

  // near-duplicate cluster: members and a side-by-side diff
  function renderCluster(i, d) {
    var members = clusterMembers(i);
    if (!members.length) return null;
    var target = IDX.dup[i] >= 0 ? IDX.dup[i] : members[0];
    var panes = h('div', { class: 'cmp', id: 'cmp' });
    var selEl = h('select', { id: 'cmp-with', 'aria-label': 'Compare with', onchange: function (ev) {
      compare(i, d, +ev.target.value, panes); } }, members.slice(0, 500).map(function (j) {
      return option(String(j), IDX.id[j] + (IDX.dup[j] === i ? ' (duplicate of this)' : j === IDX.dup[i] ? ' (kept original)' : ''), j === target);
    }));
    var links = h('ul', { class: 'members' }, members.slice(0, 50).map(function (j) {
      return h('li', null, h('a', { href: '#doc/' + j }, IDX.id[j]), ' ', verdictBadge(IDX.verdict[j]));
    }), members.length > 50 ? h('li', { class: 'muted' }, '… ' + fmt(members.length - 50) + ' more') : null);
    var sec = h('section', { class: 'panel cluster', 'aria-labelledby': 'cl-h' },
      h('h3', { id: 'cl-h' }, 'Near-duplicates (' + fmt(members.length) + ' other document' + (members.length === 1 ? '' : 's') + ')'),
      links, h('label', { class: 'fld' }, h('span', null, 'Compare with'), selEl),
      h('p', { class: 'legend' }, h('del', null, 'only in this document'), ' ', h('ins', null, 'only in the other')), panes);
    compare(i, d, target, panes);
    return sec;
  }
  function tokens(s) { return s.match(/\s+|[^\s\p{P}]+|\p{P}/gu) || []; }
  function diff(a, b, maxD) {
    // Myers' O(ND) diff on token arrays; null when more than maxD edits are needed.
    var ids = new Map(), A = [], B = [];
    function id(t) { var v = ids.get(t); if (v === undefined) { v = ids.size; ids.set(t, v); } return v; }
    a.forEach(function (t) { A.push(id(t)); });
    b.forEach(function (t) { B.push(id(t)); });
    var pre = 0;
    while (pre < A.length && pre < B.length && A[pre] === B[pre]) pre++;
    var suf = 0;
    while (suf < A.length - pre && suf < B.length - pre && A[A.length - 1 - suf] === B[B.length - 1 - suf]) suf++;
    var a2 = A.slice(pre, A.length - suf), b2 = B.slice(pre, B.length - suf);
    var n = a2.length, m = b2.length, off = maxD + 1;
    var v = new Int32Array(2 * maxD + 3), trace = [], found = -1;
    for (var dd = 0; dd <= maxD && found < 0; dd++) {
      trace.push(v.slice(off - dd - 1, off + dd + 2));
      for (var k = -dd; k <= dd; k += 2) {
        var x = (k === -dd || (k !== dd && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
        var y = x - k;
        while (x < n && y < m && a2[x] === b2[y]) { x++; y++; }
        v[off + k] = x;
        if (x >= n && y >= m) { found = dd; break; }
      }
    }
    if (found < 0) return null;
    var ops = [], X = n, Y = m;
    for (var d2 = found; d2 > 0; d2--) {
      var tv = trace[d2], base = d2 + 1; // tv holds v[-d2-1 .. d2+1] at the start of round d2
      var K = X - Y;
      var prevK = (K === -d2 || (K !== d2 && tv[base + K - 1] < tv[base + K + 1])) ? K + 1 : K - 1;
      var px = tv[base + prevK], py = px - prevK;
      while (X > px && Y > py) { ops.push(['=', pre + X - 1, pre + Y - 1]); X--; Y--; }
      if (X === px) { ops.push(['+', -1, pre + Y - 1]); Y--; } else { ops.push(['-', pre + X - 1, -1]); X--; }
    }
    while (X > 0 && Y > 0) { ops.push(['=', pre + X - 1, pre + Y - 1]); X--; Y--; }
    ops.reverse();
    return { pre: pre, suf: suf, ops: ops };
  }
  function compare(i, d, j, panes) {
    panes.textContent = '';
    panes.append(h('p', { class: 'muted' }, 'Loading…'));
    getDoc(j).then(function (dj) {
      panes.textContent = '';
      var left = h('div', { class: 'pane' }, h('h4', null, IDX.id[i] + ' (this)')),
        right = h('div', { class: 'pane' }, h('h4', null, h('a', { href: '#doc/' + j }, IDX.id[j])));
      var lt = h('div', { class: 'ptext' }), rt = h('div', { class: 'ptext' });
      left.append(lt); right.append(rt);
      panes.append(left, right);
      if (d.t === null || dj.t === null) {
        lt.append(d.t || '(text not in report)'); rt.append(dj.t || '(text not in report)');
        return;
      }
      var a = tokens(d.t), b = tokens(dj.t);
      var res = diff(a, b, 4000);
      if (!res) {
        panes.prepend(h('p', { class: 'muted' }, 'The texts differ too much for a word diff; shown as they are.'));
        lt.append(d.t); rt.append(dj.t);
        return;
      }
      var same = 0;
      function emit(el, cls, s) { if (!s) return; el.append(cls ? h(cls, null, s) : s); }
      lt.append(a.slice(0, res.pre).join('')); rt.append(b.slice(0, res.pre).join(''));
      same += res.pre + res.suf;
      var la = [], lc = null, ra = [], rc = null;
      function flushL() { if (la.length) { emit(lt, lc, la.join('')); la = []; } }
      function flushR() { if (ra.length) { emit(rt, rc, ra.join('')); ra = []; } }
      res.ops.forEach(function (op) {
        if (op[0] === '=') {
          if (lc !== null) { flushL(); lc = null; } if (rc !== null) { flushR(); rc = null; }
          la.push(a[op[1]]); ra.push(b[op[2]]); same++;
        } else if (op[0] === '-') {
          if (lc !== 'del') { flushL(); lc = 'del'; } la.push(a[op[1]]);
        } else {
          if (rc !== 'ins') { flushR(); rc = 'ins'; } ra.push(b[op[2]]);
        }
      });
      flushL(); flushR();
      lt.append(a.slice(a.length - res.suf).join('')); rt.append(b.slice(b.length - res.suf).join(''));
      var total = Math.max(a.length, b.length) || 1;
      panes.prepend(h('p', { class: 'muted' }, Math.round(100 * same / total) + '% of tokens shared.'));
    }, function (err) {
      panes.textContent = '';
      panes.append(h('p', { class: 'error' }, 'Cannot load the other document: ' + err.message));
    });
  }

  // ------------------------------------------------------------------ routing & keys
  function show(name) {
    ['overview', 'documents', 'document'].forEach(function (v) { $('#view-' + v).hidden = v !== name; });
    document.querySelectorAll('.tabs a').forEach(function (a) {
      if (a.getAttribute('data-view') === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
    closePop();
  }
  function route() {
    var hash = location.hash.replace(/^#/, '');
    var m = /^doc\/(\d+)/.exec(hash);
    if (m) { show('document'); showDoc(parseInt(m[1], 10)); window.scrollTo(0, 0); return; }
    if (hash.indexOf('documents') === 0) {
      var qs = hash.indexOf('?') >= 0 ? hash.slice(hash.indexOf('?') + 1) : '';
      if (qs || !docsBuilt) stateFromParams(qs);
      show('documents');
      refresh(false);
      return;
    }
    show('overview');
  }
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === 'Escape') {
      if (!pop.hidden) { closePop(); return; }
      if (!$('#view-document').hidden && !isTyping(ev)) {
        location.hash = '#documents' + (paramsFromState() ? '?' + paramsFromState() : '');
      }
      return;
    }
    if (isTyping(ev)) return;
    if (ev.key === '/') {
      ev.preventDefault();
      if ($('#view-documents').hidden) { history.pushState(null, '', '#documents'); route(); }
      $('#f-q').focus();
      return;
    }
    if ($('#view-document').hidden || !cur) return;
    if (ev.key === 'j' || ev.key === 'n') { stepFinding(1); ev.preventDefault(); }
    else if (ev.key === 'k' || ev.key === 'p') { stepFinding(-1); ev.preventDefault(); }
    else if (ev.key === 'o') setMode('orig');
    else if (ev.key === 'c') setMode('clean');
    else if (ev.key === '[' || ev.key === ']') {
      var nb = neighbours(cur.i), t = ev.key === '[' ? nb[0] : nb[1];
      if (t >= 0) location.hash = '#doc/' + t;
    } else if (ev.key === 'Enter' && ev.target.matches && ev.target.matches('#doc-text mark')) {
      openPop(ev.target); ev.preventDefault();
    }
  });
  route();
})();
