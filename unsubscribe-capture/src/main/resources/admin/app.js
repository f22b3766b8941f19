// The admin console: plain JavaScript, no framework and nothing from a CDN. Every call goes to capture, with the
// session cookie; calls that change something carry X-Unsubsync-Console, which capture requires of them.
'use strict';

const $ = (id) => document.getElementById(id);
const PAGES = ['integration', 'fields', 'status', 'person'];
const SOURCES = {
  LINK_CLICK: 'Link click', ONE_CLICK: 'One-click', PROVIDER_WEBHOOK: 'Provider', MANUAL: 'Manual',
  SALESFORCE_SYNC: 'Salesforce sync', API: 'API'
};
const COLOURS = ['#0b5cad', '#c2410c', '#1b6b36', '#7c3aed', '#a4161a', '#0f766e', '#854d0e', '#475569'];
const PACIFIC = 'America/Los_Angeles';
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
let pollTimer = null;
let current = null;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    // Through the CSSOM: the Content-Security-Policy allows no inline style attribute.
    else if (k === 'style') for (const d of String(v).split(';')) { const i = d.indexOf(':'); if (i > 0) e.style.setProperty(d.slice(0, i).trim(), d.slice(i + 1).trim()); }
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Unsubsync-Console'] = '1';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  let data = null;
  const text = await res.text();
  try { data = text ? JSON.parse(text) : null; } catch { data = { detail: text }; }
  if (res.status === 401 && !path.startsWith('/admin/session')) { show('login'); }
  return { ok: res.ok, status: res.status, data };
}

function problem(r) {
  return (r.data && (r.data.detail || r.data.title)) || ('HTTP ' + r.status);
}

function when(iso, zone) {
  if (!iso) return '—';
  // Java writes up to nine fraction digits; Date reads three.
  const date = new Date(String(iso).replace(/(\.\d{3})\d+/, '$1'));
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: zone, timeZoneName: 'short' }).format(date);
}

function both(iso) {
  if (!iso) return '—';
  const local = when(iso, LOCAL_ZONE);
  return LOCAL_ZONE === PACIFIC ? local : local + ' (' + when(iso, PACIFIC) + ')';
}

function show(page) {
  clearInterval(pollTimer);
  pollTimer = null;
  current = page;
  for (const p of ['login', ...PAGES]) $('page-' + p).hidden = p !== page;
  $('nav').hidden = page === 'login';
  document.querySelectorAll('nav a').forEach((a) => {
    if (a.dataset.page === page) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  if (page !== 'login') {
    document.title = $('page-' + page).querySelector('h2').textContent + ' — Unsubscribe sync';
    ({ integration: loadSettings, fields: loadFields, status: loadStatus, person: () => $('person-query').focus() })[page]();
  } else {
    $('api-key').focus();
  }
}

function route() {
  const page = location.hash.slice(1);
  show(PAGES.includes(page) ? page : 'integration');
}

// ---- login
async function start() {
  const who = await api('GET', '/admin/session');
  if (who.ok) { $('who').textContent = 'Signed in as ' + who.data.name; route(); } else { show('login'); }
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  const key = $('api-key').value.trim();
  if (!key) { $('login-error').textContent = 'Enter the API key.'; $('api-key').focus(); return; }
  const r = await api('POST', '/admin/session', { apiKey: key });
  if (!r.ok) { $('login-error').textContent = problem(r); $('api-key').select(); return; }
  $('api-key').value = '';
  $('who').textContent = 'Signed in as ' + r.data.name;
  route();
});

$('logout').addEventListener('click', async () => {
  const r = await api('DELETE', '/admin/session');
  // A logout that was not recorded leaves the session valid everywhere: say so rather than pretend.
  if (!r.ok) { alert('Not logged out: ' + problem(r)); return; }
  show('login');
});
window.addEventListener('hashchange', () => { if (current !== 'login') route(); });

// ---- integration
const SETTING_FIELDS = ['nightlySyncEnabled', 'syncToEmailOptOut', 'syncToMarketoSalesOptOut', 'marketoSalesOptOutField'];
let loadedSettings = null;

async function loadSettings() {
  const r = await api('GET', '/v1/settings');
  if (!r.ok) { $('settings-status').textContent = ''; $('nightlySyncEnabled-error').textContent = problem(r); return; }
  loadedSettings = r.data;
  for (const f of SETTING_FIELDS) {
    const input = $(f);
    if (input.type === 'checkbox') input.checked = !!r.data[f]; else input.value = r.data[f] || '';
    $(f + '-error').textContent = '';
  }
  $('nightly-when').textContent = r.data.nightlyTime + ' ' + r.data.nightlyZone;
}

$('settings-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('settings-status').textContent = '';
  SETTING_FIELDS.forEach((f) => { $(f + '-error').textContent = ''; $(f).removeAttribute('aria-invalid'); });
  const body = {
    nightlySyncEnabled: $('nightlySyncEnabled').checked,
    syncToEmailOptOut: $('syncToEmailOptOut').checked,
    syncToMarketoSalesOptOut: $('syncToMarketoSalesOptOut').checked,
    marketoSalesOptOutField: $('marketoSalesOptOutField').value.trim()
  };
  const r = await api('PUT', '/v1/settings', body);
  if (r.ok) { loadedSettings = r.data; $('settings-status').textContent = 'Saved. Every service follows the new settings within seconds.'; return; }
  const errors = (r.data && r.data.errors) || [];
  if (!errors.length) { $('nightlySyncEnabled-error').textContent = problem(r); return; }
  let first = null;
  for (const err of errors) {
    const target = SETTING_FIELDS.includes(err.field) ? err.field : 'nightlySyncEnabled';
    $(target + '-error').textContent = err.message;
    $(target).setAttribute('aria-invalid', 'true');
    first = first || $(target);
  }
  first.focus();
});

$('find-field').addEventListener('click', async () => {
  const out = $('found-fields');
  out.replaceChildren(el('p', { class: 'help', text: 'Looking up fields labelled "Marketo Sales Opt Out"…' }));
  const r = await api('GET', '/v1/admin/salesforce/fields/search?label=' + encodeURIComponent('Marketo Sales Opt Out'));
  if (!r.ok) { out.replaceChildren(el('p', { class: 'error', text: problem(r) })); return; }
  if (!r.data.length) { out.replaceChildren(el('p', { class: 'error', text: 'No field labelled "Marketo Sales Opt Out" on Contact or Lead: see the Field check page.' })); return; }
  const list = el('ul');
  for (const f of r.data) {
    list.append(el('li', {}, f.object + ': ' + f.label + ' (' + f.apiName + ', ' + f.type + (f.updateable ? '' : ', read-only') + ') ',
      el('button', { type: 'button', class: 'secondary', onclick: () => { $('marketoSalesOptOutField').value = f.apiName; $('marketoSalesOptOutField').focus(); } }, 'Use ' + f.apiName)));
  }
  out.replaceChildren(list);
});

// ---- field check
async function loadFields() {
  const out = $('fields-result');
  out.replaceChildren(el('p', { class: 'help', text: 'Checking…' }));
  const r = await api('GET', '/v1/admin/salesforce/fields');
  if (!r.ok) { out.replaceChildren(el('p', { class: 'error', text: problem(r) })); return; }
  const summary = r.data.selectedFieldsWritable
    ? el('p', { class: 'ok', text: 'Every selected field exists and is writable on Contact and Lead.' })
    : el('p', { class: 'bad', text: 'A selected field cannot be written: unsubscribes for it are parked until it is fixed.' });
  const table = el('table', {}, el('caption', { class: 'visually-hidden', text: 'Opt-out fields on Contact and Lead' }),
    el('thead', {}, el('tr', {}, ...['Object', 'Field', 'Selected', 'Exists', 'Writable', 'What to do in Salesforce'].map((h) => el('th', { scope: 'col', text: h })))));
  const body = el('tbody');
  for (const f of r.data.fields) {
    const steps = (f.steps || []).length ? el('ol', { class: 'steps' }, ...f.steps.map((s) => el('li', { text: s }))) : '—';
    body.append(el('tr', {}, el('td', { text: f.object }), el('td', {}, el('code', { text: f.apiName })),
      el('td', { text: f.selected ? 'Yes' : 'No' }), el('td', { class: f.exists ? 'ok' : 'bad', text: f.exists ? 'Yes' : 'No' }),
      el('td', { class: f.updateable ? 'ok' : 'bad', text: f.updateable ? 'Yes' : 'No' }),
      el('td', {}, f.problem ? el('p', { text: f.problem }) : null, steps)));
  }
  table.append(body);
  out.replaceChildren(summary, el('div', { class: 'scroll' }, table), el('p', { class: 'help', text: 'Checked ' + both(r.data.checkedAt) }));
}
$('recheck').addEventListener('click', loadFields);

// ---- sync status
function dl(target, pairs) {
  target.replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
}

function number(n) { return n === null || n === undefined || n < 0 ? '—' : Number(n).toLocaleString(); }

function reasons(map) {
  const entries = Object.entries(map || {});
  return entries.length ? entries.map(([k, v]) => k + ' ' + number(v)).join(', ') : '0';
}

async function loadStatus() {
  const [runs, pusher, limits, daily] = await Promise.all([
    api('GET', '/v1/admin/runs'), api('GET', '/v1/admin/pusher'), api('GET', '/v1/admin/salesforce/limits'), api('GET', '/v1/admin/daily?days=30')]);
  renderRuns(runs);
  const p = pusher.data || {};
  const f = p.figures || {};
  dl($('pusher'), [
    ['Health', p.status || problem(pusher)],
    ['Waiting to be pushed (lag)', number(f.lag)],
    ['Parked (waiting for a field)', number(f.parked)],
    ['Dead-lettered', number(f.deadLettered)],
    ['Salesforce API calls left today', limits.ok ? number(limits.data.dailyApiRequestsRemaining) + ' of ' + number(limits.data.dailyApiRequestsMax) : problem(limits)]]);
  renderChart(daily);
}

function renderRuns(r) {
  if (!r.ok) { dl($('run-times'), [['Runs', problem(r)]]); $('runs').replaceChildren(); return; }
  const list = r.data.runs || [];
  const last = list.find((run) => run.state !== 'RUNNING' && run.state !== 'REQUESTED');
  const running = list.find((run) => run.state === 'RUNNING' || run.state === 'REQUESTED');
  dl($('run-times'), [
    ['Last run', last ? both(last.endedAt || last.requestedAt) + ' — ' + last.state : 'none yet'],
    ['Next run', r.data.nextScheduledRun ? both(r.data.nextScheduledRun) : 'not scheduled (nightly sync is off)']]);
  progress(running);
  const table = el('table', {}, el('caption', { class: 'visually-hidden', text: 'Last nightly runs' }),
    el('thead', {}, el('tr', {}, ...['Started', 'Trigger', 'State', 'To Salesforce', 'To sales side', 'In sync', 'Skipped', 'Failed', 'API calls'].map((h) => el('th', { scope: 'col', text: h })))));
  const body = el('tbody');
  for (const run of list.slice(0, 10)) {
    const rep = run.report || {};
    body.append(el('tr', {}, el('td', { text: both(run.startedAt || run.requestedAt) }), el('td', { text: run.trigger }),
      el('td', { class: run.state === 'FAILED' ? 'bad' : run.state === 'SUCCEEDED' ? 'ok' : '', text: run.state + (run.message ? ' — ' + run.message : '') }),
      el('td', { text: number(rep.writtenToSalesforce) + ' of ' + number(rep.toSalesforce) }),
      el('td', { text: number(rep.recordedOnSalesSide) + ' of ' + number(rep.toSalesSide) }),
      el('td', { text: number(rep.inSync) }), el('td', { text: reasons(rep.skipped) }), el('td', { text: reasons(rep.failed) }),
      el('td', { text: number(rep.apiCallsUsed) })));
  }
  table.append(body);
  $('runs').replaceChildren(list.length ? table : el('p', { class: 'help', text: 'No runs yet.' }));
}

function progress(run) {
  const wrap = $('progress-wrap');
  if (!run) {
    if (!wrap.hidden && $('progress').getAttribute('aria-valuenow') !== '100') wrap.hidden = true;
    $('run-now').disabled = false;
    return;
  }
  wrap.hidden = false;
  $('run-now').disabled = true;
  setProgress(run);
  if (!pollTimer) pollTimer = setInterval(() => pollRun(run.runId), 1000);
}

function setProgress(run) {
  const pct = Math.round((run.shareDone || 0) * 100);
  $('progress').setAttribute('aria-valuenow', String(pct));
  $('progress').setAttribute('aria-valuetext', pct + '% (' + run.phase + ')');
  $('progress-bar').style.width = pct + '%';
  $('progress-text').textContent = pct + '% — ' + run.phase.toLowerCase() + (run.total ? ', ' + number(run.processed) + ' of ' + number(run.total) : '');
}

async function pollRun(id) {
  const r = await api('GET', '/v1/admin/runs/' + encodeURIComponent(id));
  if (!r.ok) return;
  setProgress(r.data);
  if (r.data.state !== 'RUNNING' && r.data.state !== 'REQUESTED') {
    clearInterval(pollTimer);
    pollTimer = null;
    $('progress-label').textContent = 'Run ' + r.data.state.toLowerCase();
    $('run-status').textContent = 'The run ' + r.data.state.toLowerCase() + '.';
    $('run-now').disabled = false;
    const runs = await api('GET', '/v1/admin/runs');
    renderRuns(runs);
  }
}

$('run-now').addEventListener('click', async () => {
  $('run-status').textContent = '';
  $('run-now').disabled = true;
  const r = await api('POST', '/v1/admin/runs');
  if (!r.ok) { $('run-status').className = 'error'; $('run-status').textContent = problem(r); $('run-now').disabled = false; return; }
  $('run-status').className = 'status';
  $('run-status').textContent = 'Run started.';
  $('progress-label').textContent = 'Run in progress';
  progress(r.data);
});

function renderChart(r) {
  const out = $('chart');
  if (!r.ok) { out.replaceChildren(el('p', { class: 'error', text: problem(r) })); return; }
  const days = r.data.days.map((d) => ({ day: d.day, counts: d.counts || {} }));
  const sources = r.data.sources || [];
  const totals = days.map((d) => Object.values(d.counts).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const W = 720, H = 200, pad = 24, bw = (W - pad) / days.length;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + (H + 20));
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Unsubscribes per day by source; ' + totals.reduce((a, b) => a + b, 0) + ' in 30 days. The table below has the figures.');
  days.forEach((d, i) => {
    let y = H;
    sources.forEach((s, si) => {
      const n = d.counts[s] || 0;
      if (!n) return;
      const h = (n / max) * (H - 10);
      y -= h;
      const rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', String(pad + i * bw + 1));
      rect.setAttribute('y', String(y));
      rect.setAttribute('width', String(Math.max(1, bw - 2)));
      rect.setAttribute('height', String(h));
      rect.setAttribute('fill', COLOURS[si % COLOURS.length]);
      const title = document.createElementNS(ns, 'title');
      title.textContent = d.day + ': ' + (SOURCES[s] || s) + ' ' + n;
      rect.append(title);
      svg.append(rect);
    });
    if (i % 5 === 0 || i === days.length - 1) {
      const t = document.createElementNS(ns, 'text');
      t.setAttribute('x', String(pad + i * bw));
      t.setAttribute('y', String(H + 15));
      t.setAttribute('font-size', '11');
      t.setAttribute('fill', '#4a5360');
      t.textContent = d.day.slice(5);
      svg.append(t);
    }
  });
  const axis = document.createElementNS(ns, 'text');
  axis.setAttribute('x', '0');
  axis.setAttribute('y', '12');
  axis.setAttribute('font-size', '11');
  axis.setAttribute('fill', '#4a5360');
  axis.textContent = String(max);
  svg.append(axis);
  const legend = el('div', { class: 'legend' }, ...sources.map((s, si) => el('span', { style: '--c:' + COLOURS[si % COLOURS.length], text: SOURCES[s] || s })));
  const table = el('table', { class: 'visually-hidden' }, el('caption', { text: 'Unsubscribes per day by source' }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: 'Day' }), ...sources.map((s) => el('th', { scope: 'col', text: SOURCES[s] || s })))),
    el('tbody', {}, ...days.filter((d, i) => totals[i] > 0).map((d) => el('tr', {}, el('th', { scope: 'row', text: d.day }), ...sources.map((s) => el('td', { text: String(d.counts[s] || 0) }))))));
  out.replaceChildren(svg, legend, table, r.data.complete ? '' : el('p', { class: 'error', text: 'An instance did not answer: some counts are missing.' }));
}

// ---- person lookup
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

$('person-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('person-error').textContent = '';
  const q = $('person-query').value.trim();
  if (!q) { $('person-error').textContent = 'Enter an email address or a Salesforce ID.'; return; }
  if (!q.includes('@') && !SF_ID.test(q)) { $('person-error').textContent = 'That is neither an email address nor a 15- or 18-character Salesforce ID.'; return; }
  await lookup(q);
});

async function lookup(q) {
  const out = $('person-result');
  out.replaceChildren(el('p', { class: 'help', text: 'Looking up…' }));
  let salesforce = null;
  let email = q;
  if (!q.includes('@')) {
    const sf = await api('GET', '/v1/admin/salesforce/people/' + encodeURIComponent(q));
    if (!sf.ok) { out.replaceChildren(); $('person-error').textContent = problem(sf); return; }
    salesforce = sf.data;
    if (!salesforce.email) { out.replaceChildren(personView(null, salesforce, q)); return; }
    email = salesforce.email;
  }
  const h = await api('GET', '/v1/unsubscribes/' + encodeURIComponent(email));
  if (!h.ok && h.status !== 404) { out.replaceChildren(); $('person-error').textContent = problem(h); return; }
  const history = h.ok ? h.data : null;
  // Every Contact and Lead with the address: what an unsubscribe by email reaches.
  const people = await api('GET', '/v1/admin/salesforce/people?email=' + encodeURIComponent(email));
  const linked = people.ok ? people.data.records : null;
  const id = salesforce ? salesforce.id : (linked && linked.length ? null : latestSalesforceId(history));
  if (!salesforce && id) {
    const sf = await api('GET', '/v1/admin/salesforce/people/' + encodeURIComponent(id));
    salesforce = sf.ok ? sf.data : { error: problem(sf), id };
  }
  out.replaceChildren(personView(history, salesforce, email, linked, people.ok ? null : problem(people)));
}

function latestSalesforceId(history) {
  if (!history) return null;
  const withId = (history.history || []).filter((e) => e.salesforceId);
  return withId.length ? withId[withId.length - 1].salesforceId : null;
}

function personView(history, sf, email, linked, linkedError) {
  const wrap = el('div');
  wrap.append(el('h3', { text: email }));
  const pending = history && history.unsubscribed && linked && linked.length === 0;
  const salesSide = history ? (history.unsubscribed ? 'Unsubscribed' : 'Not unsubscribed') + ((history.topics || []).length ? ' · left topics: ' + history.topics.join(', ') : '') : 'Nothing recorded';
  const pairs = [['Sales side', salesSide]];
  if (pending) pairs.push(['Pending', 'no Contact or Lead has this address yet: one that appears is opted out within a poll interval']);
  if (linkedError) pairs.push(['Linked records', linkedError]);
  for (const r of linked || []) {
    pairs.push(['Salesforce ' + r.object, r.id + (r.name ? ' (' + r.name + ')' : '')
      + (r.converted ? ' · converted to ' + r.convertedContactId : '') + (r.inDirectory ? '' : ' · not in the directory yet')]);
    pairs.push(['Email Opt Out', r.hasOptedOutOfEmail ? 'Checked' : 'Not checked']);
    if (r.marketoSalesOptOut !== null && r.marketoSalesOptOut !== undefined) pairs.push(['Marketo Sales Opt Out', r.marketoSalesOptOut ? 'Checked' : 'Not checked']);
  }
  const inLinked = sf && linked && linked.some((r) => r.id === sf.id);
  if (sf && !sf.error && !inLinked) {
    pairs.push(['Salesforce ' + sf.object, sf.id + (sf.name ? ' (' + sf.name + ')' : '')]);
    pairs.push(['Email Opt Out', sf.hasOptedOutOfEmail ? 'Checked' : 'Not checked']);
    if (sf.marketoSalesOptOutField) pairs.push(['Marketo Sales Opt Out', sf.marketoSalesOptOut ? 'Checked' : 'Not checked']);
  } else if (sf && sf.error) {
    pairs.push(['Salesforce', sf.error]);
  } else if (!linked || !linked.length) {
    pairs.push(['Salesforce', 'no linked Contact or Lead']);
  }
  if (history && history.salesforce) pairs.push(['Salesforce answered', history.salesforce.outcome + (history.salesforce.salesforceMessage ? ' — ' + history.salesforce.salesforceMessage : '')]);
  const facts = el('dl', { id: 'person-state' });
  dl(facts, pairs);
  wrap.append(facts);
  if (history && history.unsubscribed) {
    wrap.append(el('button', { type: 'button', id: 'remove', onclick: () => openRemove(email) }, 'Remove unsubscribe'));
  }
  if (history) {
    const table = el('table', { id: 'history' }, el('caption', { class: 'visually-hidden', text: 'History' }),
      el('thead', {}, el('tr', {}, ...['Time', 'What', 'Source', 'Origin', 'Details'].map((h) => el('th', { scope: 'col', text: h })))));
    const body = el('tbody');
    for (const e of [...(history.history || [])].reverse()) {
      const what = e.kind === 'RECORDED' ? 'Unsubscribed' : e.kind === 'REMOVED' ? 'Removed' : 'Salesforce answered ' + e.outcome;
      const details = [e.reason && 'reason: ' + e.reason, e.topic && 'topic: ' + e.topic, e.provider && 'provider: ' + e.provider,
        e.fieldsWritten && e.fieldsWritten.length && 'fields: ' + e.fieldsWritten.join(', '),
        e.salesforceErrorCode && e.salesforceErrorCode + (e.salesforceMessage ? ': ' + e.salesforceMessage : ''), e.salesforceId && 'record: ' + e.salesforceId].filter(Boolean).join(' · ');
      body.append(el('tr', {}, el('td', { text: both(e.at) }), el('td', { text: what }), el('td', { text: e.source ? (SOURCES[e.source] || e.source) : '—' }),
        el('td', { text: e.origin || '—' }), el('td', { text: details || '—' })));
    }
    table.append(body);
    wrap.append(el('h4', { text: 'History' }), el('div', { class: 'scroll' }, table));
  }
  return wrap;
}

let removing = null;
function openRemove(email) {
  removing = email;
  $('remove-reason').value = '';
  $('remove-error').textContent = '';
  $('remove-dialog').showModal();
  $('remove-reason').focus();
}
$('remove-cancel').addEventListener('click', () => $('remove-dialog').close());
$('remove-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const reason = $('remove-reason').value.trim();
  if (!reason) { $('remove-error').textContent = 'Say why the unsubscribe is removed: it is kept in the history.'; $('remove-reason').focus(); return; }
  const r = await api('DELETE', '/v1/unsubscribes/' + encodeURIComponent(removing) + '?reason=' + encodeURIComponent(reason));
  if (!r.ok) { $('remove-error').textContent = problem(r); return; }
  $('remove-dialog').close();
  // The history store folds the removal in within moments: look again until it shows.
  for (let i = 0; i < 20; i++) {
    const h = await api('GET', '/v1/unsubscribes/' + encodeURIComponent(removing));
    if (h.ok && !h.data.unsubscribed) break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  await lookup(removing);
  $('person-result').prepend(el('p', { class: 'status', role: 'status', text: 'Removed on the sales side. Now uncheck the opt-out in Salesforce too.' }));
});

// A fault in this page is shown, not swallowed.
function fault(message) {
  const box = $('page-error');
  box.textContent = 'Something went wrong on this page: ' + message + '. Reload to try again.';
  box.hidden = false;
}
window.addEventListener('error', (e) => fault(e.message));
window.addEventListener('unhandledrejection', (e) => fault(String(e.reason && e.reason.message || e.reason)));

start();
