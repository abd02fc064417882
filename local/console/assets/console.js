/* chatline operator console. Every view has a hash URL (#/view?query), so links can be shared
 * and the back button works. Everything shown is built with textContent through h(): strings
 * from events are never parsed as markup. Data comes from /_chatline/api/* (ops/query.ts). */
'use strict';
(function () {
  var API = '/_chatline/api/';
  var view = document.getElementById('view');
  var live = document.getElementById('live');
  var charts = [];

  function h(tag, attrs) {
    var el = document.createElement(tag);
    for (var k in attrs || {}) {
      if (attrs[k] === undefined || attrs[k] === null || attrs[k] === false) continue;
      if (k === 'text') el.textContent = String(attrs[k]);
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), attrs[k]);
      else el.setAttribute(k, String(attrs[k]));
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function append(el, c) {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) c.forEach(function (x) { append(el, x); });
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  function badge(s) { return h('span', { class: 'badge ' + s, text: s }); }
  function link(route, params, text) { return h('a', { href: href(route, params), text: text }); }
  function href(route, params) {
    var q = new URLSearchParams();
    for (var k in params || {}) if (params[k] !== undefined && params[k] !== '') q.set(k, params[k]);
    var s = q.toString();
    return '#/' + route + (s ? '?' + s : '');
  }
  function table(head, rows, empty) {
    if (!rows.length) return h('p', { class: 'empty', text: empty || 'none' });
    return h('div', { class: 'table' }, h('table', {},
      h('thead', {}, h('tr', {}, head.map(function (x) { return h('th', { scope: 'col', text: x }); }))),
      h('tbody', {}, rows.map(function (r) {
        return h('tr', {}, r.map(function (c, i) { return h('td', { 'data-label': head[i] }, c === undefined ? '' : c); }));
      }))));
  }
  function dl(pairs) {
    return h('dl', {}, pairs.filter(function (p) { return p[1] !== undefined && p[1] !== null && p[1] !== ''; }).map(function (p) { return [h('dt', { text: p[0] }), h('dd', {}, p[1])]; }));
  }
  function getJson(path, params) {
    var q = new URLSearchParams(params || {}).toString();
    return fetch(API + path + (q ? '?' + q : ''), { headers: { accept: 'application/json' } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.message || r.statusText);
        return body;
      });
    });
  }
  function postJson(path, body) {
    return fetch(API + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(function (r) {
      return r.json().then(function (b) { if (!r.ok) throw new Error(b.message || r.statusText); return b; });
    });
  }
  function show(title, content) {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    view.replaceChildren(h('h1', { text: title }), content);
    document.title = title + ' · chatline console';
  }
  function fail(err) { view.replaceChildren(h('h1', { text: 'Something went wrong' }), h('p', { class: 'error', text: err.message })); }
  function when(iso) { return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''; }
  function resumptionLink(r) { return link('resumption', { instance: r.instanceId, contact: r.contactId }, r.contactId); }

  /* Confirmation with the count: the dialog says how many will be redriven before anything is sent. */
  function confirmRedrive(count, what, go) {
    var dialog = h('dialog', { 'aria-labelledby': 'confirm-title' });
    var out = h('p', { 'aria-live': 'polite' });
    dialog.append(
      h('h2', { id: 'confirm-title', text: 'Redrive ' + count + (count === 1 ? ' resumption?' : ' resumptions?') }),
      h('p', { text: what + ' Each continues from the state that failed with its stored ClientToken, so Connect answers a call that had committed instead of making a second association.' }),
      out,
      h('form', { method: 'dialog' },
        h('button', { type: 'button', id: 'confirm-redrive', text: 'Redrive ' + count, onclick: function (e) {
          e.target.disabled = true;
          go().then(function (res) {
            out.textContent = res.results.filter(function (x) { return x.result === 'redriven'; }).length + ' redriven, ' + res.results.filter(function (x) { return x.result !== 'redriven'; }).length + ' not redrivable.';
          }, function (err) { out.textContent = 'Refused: ' + err.message; });
        } }),
        h('button', { value: 'close', text: 'Close' })));
    dialog.addEventListener('close', function () { dialog.remove(); route(); });
    document.body.appendChild(dialog);
    dialog.showModal();
  }

  var STATUSES = ['PLANNED', 'ASSOCIATED', 'FAILED', 'SKIPPED'];

  function resumptionsView(p) {
    var params = { limit: p.limit || '25' };
    ['status', 'since', 'customer', 'cursor'].forEach(function (k) { if (p[k]) params[k] = p[k]; });
    return getJson('resumptions', params).then(function (list) {
      var status = h('select', { id: 'f-status', name: 'status' }, h('option', { value: '', text: 'any status' }), STATUSES.map(function (s) { return h('option', { value: s, text: s, selected: p.status === s }); }));
      var since = h('input', { id: 'f-since', name: 'since', placeholder: 'since (ISO time)', value: p.since || '' });
      var customer = h('input', { id: 'f-customer', name: 'customer', placeholder: 'customer id', value: p.customer || '' });
      var filters = h('form', { id: 'filters', onsubmit: function (e) { e.preventDefault(); location.hash = href('', { status: status.value, since: since.value, customer: customer.value }); } },
        h('label', { for: 'f-status', class: 'sr', text: 'status' }), status, h('label', { for: 'f-since', class: 'sr', text: 'since' }), since,
        h('label', { for: 'f-customer', class: 'sr', text: 'customer' }), customer, h('button', { text: 'Filter' }));
      var shownFrom = Number(p.shown || 0);
      var summary = h('p', { id: 'total', text: list.items.length ? 'Showing ' + (shownFrom + 1) + '–' + (shownFrom + list.items.length) + ' of ' + list.total : '0 of ' + list.total });
      var pager = h('p', { class: 'pager' },
        p.cursor ? link('', Object.assign({}, p, { cursor: undefined, shown: undefined }), 'First page') : null, ' ',
        list.next ? link('', Object.assign({}, p, { cursor: list.next, shown: String(shownFrom + list.items.length) }), 'Next page') : null);
      show('Resumptions', h('div', {}, filters, summary, table(['contact', 'outcome', 'policy', 'rehydration', 'continued from', 'attempts', 'reason', 'updated'], list.items.map(function (r) {
        return [resumptionLink(r), badge(r.outcome), r.plan && r.plan.policy, r.plan && r.plan.rehydrationType, r.continuedFromContactId || (r.plan && r.plan.expectedContinuedFromContactId), String(r.attempts), r.reason, when(r.updatedAt)];
      }), 'No resumption matches.'), pager));
    });
  }

  function searchView(p) {
    return getJson('search', { q: p.q || '' }).then(function (hits) {
      if (hits.length === 1 && hits[0].kind === 'customer') { location.replace(href('customer', { id: hits[0].customerId })); return; }
      show('Search: ' + (p.q || ''), hits.length ? h('ul', {}, hits.map(function (x) {
        if (x.kind === 'customer') return h('li', {}, 'customer ', link('customer', { id: x.customerId }, x.customerId));
        return h('li', {}, 'contact ' + x.contactId + ' (session ' + x.sessionId + ') ', x.customerId ? link('customer', { id: x.customerId }, 'customer ' + x.customerId) : null, ' ',
          x.isReturn ? link('resumption', { instance: x.instanceId, contact: x.contactId }, 'its resumption') : null);
      })) : h('p', { text: 'No customer or contact has that id.' }));
    });
  }

  function segChips(segments, shown, hidden) {
    return h('div', { class: 'segments' }, segments.map(function (s, i) {
      var cls = 'seg' + (shown && shown.indexOf(s.contactId) >= 0 ? ' shown' : '') + (hidden && hidden.indexOf(s.contactId) >= 0 ? ' hidden' : '');
      return [i ? h('span', { 'aria-hidden': 'true', text: '→' }) : null, h('span', { class: cls, 'data-contact': s.contactId, title: [s.kind, s.agent && 'agent ' + s.agent, when(s.initiatedAt), s.disconnectedAt ? 'to ' + when(s.disconnectedAt) : 'active'].filter(Boolean).join(', '),
        text: s.kind + ' ' + s.contactId + (s.agent ? ' · ' + s.agent : '') + (s.initiatedAt ? ' · ' + when(s.initiatedAt) : '') + (s.disconnectedAt ? '' : ' · active') })];
    }));
  }
  function planDl(plan) {
    if (!plan) return h('p', { text: 'No plan (the return was skipped before planning, or is still being detected).' });
    return dl([['policy', plan.policy], ['rehydration', plan.rehydrationType], ['source contact', plan.sourceContactId], ['past session', plan.pastSessionId], ['continues from', plan.expectedContinuedFromContactId], ['ClientToken', plan.clientToken], ['not before', when(plan.notBefore)]]);
  }

  function customerView(p) {
    return getJson('customer', { id: p.id || '' }).then(function (c) {
      var times = c.sessions.map(function (s) { return Date.parse(s.startedAt || ''); }).filter(function (t) { return !isNaN(t); });
      var t0 = Math.min.apply(null, times), t1 = Math.max.apply(null, c.sessions.map(function (s) { return Date.parse(s.endedAt || s.startedAt || '') || t0; }));
      var span = Math.max(1, t1 - t0);
      var bars = h('div', { class: 'timeline', 'aria-label': 'sessions on a timeline' }, c.sessions.map(function (s) {
        var a = Date.parse(s.startedAt || '') || t0, b = Date.parse(s.endedAt || '') || a;
        return h('div', { style: 'position:relative;height:14px;margin:3px 0;background:#f0f2f6', title: s.sessionId },
          h('div', { class: s['return'] ? s['return'].status : '', style: 'position:absolute;left:' + ((a - t0) / span * 100).toFixed(2) + '%;width:' + Math.max(1, (b - a) / span * 100).toFixed(2) + '%;top:0;bottom:0;background:#7c9bd6' }));
      }));
      var sessions = c.sessions.map(function (s) {
        var r = s['return'];
        return h('section', { class: 'session', 'data-session': s.sessionId },
          h('h2', { text: 'Session ' + s.sessionId }),
          h('p', { text: when(s.startedAt) + (s.endedAt ? ' → ' + when(s.endedAt) : ' (active)') + (s.continuedFrom ? ' · continues ' + s.continuedFrom : '') }),
          segChips(s.segments),
          r ? h('div', { class: 'return' },
            h('p', {}, 'Return: ', badge(r.status), ' ', r.reason || '', ' ', link('resumption', { instance: r.instanceId, contact: r.contactId }, 'open the resumption')),
            r.shown.length || r.hidden.length ? h('p', { class: 'visibility' }, 'The new chat shows ', h('span', { class: 'shown-list', text: r.shown.join(', ') || 'nothing' }), '; hidden: ', h('span', { class: 'hidden-list', text: r.hidden.join(', ') || 'nothing' })) : null,
            planDl(r.plan)) : null);
      });
      var edges = h('div', { class: 'edges' }, h('h2', { text: 'Continuation edges (' + c.edges.length + ')' }), c.edges.map(function (e) {
        return h('p', { class: 'edge', 'data-state': e.state }, 'session ' + e.fromSessionId + ' (contact ' + e.fromContactId + ') ⟶ session ' + e.toSessionId + ' ', badge(e.state));
      }));
      show('Customer ' + c.customerId, h('div', {}, h('p', { id: 'session-count', text: c.sessions.length + ' sessions' }), bars, edges, sessions));
    });
  }

  function resumptionView(p) {
    return getJson('resumption', { instance: p.instance || '', contact: p.contact || '' }).then(function (v) {
      var r = v.resumption, hist = v.history;
      var canRedrive = r.execution && ['FAILED', 'ABORTED', 'TIMED_OUT'].indexOf(r.execution.status) >= 0;
      show('Resumption ' + r.contactId, h('div', {},
        h('p', {}, 'Outcome: ', badge(r.outcome), r.outcome !== r.status ? ' (ledger: ' + r.status + ')' : '', ' ', r.reason ? h('span', { class: 'reason', text: r.reason }) : null),
        v.customerId ? h('p', {}, 'Customer ', link('customer', { id: v.customerId }, v.customerId)) : null,
        canRedrive ? h('button', { id: 'redrive-one', text: 'Redrive', onclick: function () {
          confirmRedrive(1, 'Resumption of contact ' + r.contactId + '.', function () { return postJson('redrive', { contacts: [{ instanceId: r.instanceId, contactId: r.contactId }] }); });
        } }) : null,
        h('h2', { text: 'Plan' }), planDl(r.plan),
        h('p', { class: 'visibility' }, 'Shows ', h('span', { class: 'shown-list', text: v.shown.join(', ') || 'nothing' }), '; hidden: ', h('span', { class: 'hidden-list', text: v.hidden.join(', ') || 'nothing' })),
        h('h2', { text: 'Association attempts' }),
        table(['#', 'at', 'Connect answered', 'error', 'ClientToken'], (hist ? hist.attempts : []).map(function (a) { return [String(a.n), when(a.at), a.answer, [a.error, a.cause].filter(Boolean).join(': '), a.clientToken]; }), 'No association attempt.'),
        h('h2', { text: 'Waits' }),
        table(['kind', 'state', 'from', 'seconds'], (hist ? hist.waits : []).map(function (w) { return [w.kind, w.state, when(w.from), w.seconds === undefined ? 'waiting' : String(w.seconds)]; }), 'No wait.'),
        h('h2', { text: 'Execution ' + (r.execution ? r.execution.name + ' · ' + r.execution.status : '') }),
        table(['id', 'event', 'state', 'at', 'detail'], (hist ? hist.timeline : []).map(function (e) { return [String(e.id), e.type, e.state, when(e.at), e.detail]; }), 'No execution history.')));
    });
  }

  function failuresView(p) {
    return getJson('failures', p.since ? { since: p.since } : {}).then(function (f) {
      var all = [];
      f.groups.forEach(function (g) { g.items.forEach(function (r) { if (r.execution && ['FAILED', 'ABORTED', 'TIMED_OUT'].indexOf(r.execution.status) >= 0) all.push(r); }); });
      function redriveSet(items, what) {
        confirmRedrive(items.length, what, function () { return postJson('redrive', { contacts: items.map(function (r) { return { instanceId: r.instanceId, contactId: r.contactId }; }) }); });
      }
      show('Failures', h('div', {},
        h('p', { id: 'failure-total', text: f.total + ' failed or stuck resumptions' }),
        all.length ? h('button', { id: 'redrive-all', text: 'Redrive all redrivable (' + all.length + ')', onclick: function () { redriveSet(all, 'Every redrivable failure shown.'); } }) : null,
        f.groups.map(function (g) {
          var mine = g.items.filter(function (r) { return all.indexOf(r) >= 0; });
          return h('section', { class: 'group', 'data-kind': g.kind.key },
            h('h2', { text: g.kind.title + ' (' + g.count + ')' }), h('p', { text: g.kind.explanation }),
            mine.length ? h('button', { class: 'redrive-group', text: 'Redrive these ' + mine.length, onclick: function () { redriveSet(mine, g.kind.title + '.'); } }) : null,
            table(['contact', 'outcome', 'reason', 'attempts', 'execution'], g.items.map(function (r) { return [resumptionLink(r), badge(r.outcome), r.reason, String(r.attempts), r.execution ? r.execution.status : '']; })));
        })));
    });
  }

  function metricsView(p) {
    return getJson('metrics', { minutes: p.minutes || '60' }).then(function (m) {
      var t = m.totals, b = m.budget;
      var tiles = h('div', { class: 'tiles' }, [['returns', t.returns], ['associated', t.associated], ['skipped', t.skipped], ['failed', t.failed], ['throttles', t.throttles]].map(function (x) { return h('div', { class: 'tile' }, h('b', { text: x[1] }), x[0]); }));
      var chart = h('div', { id: 'chart', role: 'img', 'aria-label': 'returns, associated, skipped and failed per minute' });
      var latency = h('div', { id: 'latency', role: 'img', 'aria-label': 'return to association latency p50 and p99, seconds' });
      var budget = h('section', { id: 'budget' }, h('h2', { text: 'Connect call budget (' + (b.enabled ? 'on' : 'off: retry with jitter only') + '; ' + b.waiting + ' returns waiting' + (b.oldestWaiting ? ', the oldest ' + b.oldestWaiting.contactId + ' for ' + b.oldestWaiting.seconds + ' s' : '') + ')' }),
        table(['API', 'rate in use /s', 'configured /s', 'queued', 'next free slot', 'throttles, last minute', 'slots handed out'], b.budgets.map(function (x) { return [x.key, String(x.ratePerSecond), String(x.configuredRatePerSecond), String(x.queued), when(x.nextSlotAt), String(x.throttlesLastMinute), String(x.reservations)]; })));
      show('Metrics', h('div', {}, h('p', {}, 'Last ', ['15', '60', '360'].map(function (n) { return [link('metrics', { minutes: n }, n + ' min'), ' ']; })), tiles, chart, latency, budget));
      var xs = m.minutes.map(function (x) { return Date.parse(x.minute) / 1000; });
      var width = Math.max(280, Math.min(chart.clientWidth || 600, 1000));
      function plot(el, series, data) { if (window.uPlot) charts.push(new window.uPlot({ width: width, height: 220, series: [{}].concat(series) }, [xs].concat(data), el)); }
      plot(chart, [{ label: 'returns', stroke: '#1f5fbf' }, { label: 'associated', stroke: '#2c8a4b' }, { label: 'skipped', stroke: '#8a93a3' }, { label: 'failed', stroke: '#c0392b' }, { label: 'throttles', stroke: '#d08a00' }],
        ['returns', 'associated', 'skipped', 'failed', 'throttles'].map(function (k) { return m.minutes.map(function (x) { return x[k]; }); }));
      plot(latency, [{ label: 'p50 s', stroke: '#1f5fbf' }, { label: 'p99 s', stroke: '#c0392b' }],
        ['latencyP50', 'latencyP99'].map(function (k) { return m.minutes.map(function (x) { return x[k] === undefined ? null : x[k]; }); }));
    });
  }

  var VIEWS = { '': resumptionsView, search: searchView, customer: customerView, resumption: resumptionView, failures: failuresView, metrics: metricsView };
  var current = '';
  function route() {
    var hash = location.hash.replace(/^#\/?/, '');
    var at = hash.indexOf('?');
    var name = at < 0 ? hash : hash.slice(0, at);
    var params = {};
    new URLSearchParams(at < 0 ? '' : hash.slice(at + 1)).forEach(function (v, k) { params[k] = v; });
    current = name;
    var fn = VIEWS[name];
    if (!fn) { show('Not found', h('p', {}, 'No such view. ', link('', {}, 'Resumptions'))); return Promise.resolve(); }
    return fn(params).then(function () { view.setAttribute('data-view', name || 'resumptions'); }, fail);
  }
  document.getElementById('search').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = document.getElementById('q').value.trim();
    if (q) location.hash = href('search', { q: q });
  });
  window.addEventListener('hashchange', function () { route().then(function () { view.focus({ preventScroll: true }); }); });

  /* Live updates: the server says when the ledger moved; lists re-render, detail views keep still. */
  if (window.EventSource) {
    var events = new EventSource(API + 'events');
    var first = true;
    events.addEventListener('change', function (e) {
      var d = JSON.parse(e.data);
      live.textContent = 'live · ledger: ' + d.associated + ' associated, ' + d.failed + ' failed, ' + d.planned + ' planned';
      if (!first && !document.querySelector('dialog[open]') && (current === '' || current === 'failures' || current === 'metrics')) route();
      first = false;
    });
    events.addEventListener('error', function () { live.textContent = 'live updates paused (reconnecting)'; });
  }
  route();
})();
