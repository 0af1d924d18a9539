// The pages behind a login other than the rooms: /kiosks (a table of every kiosk's heartbeat)
// and /alerts (every alert of /api/alerts, worded by alertText of dashboard.js in the page's
// language). Read again every 10 s: a kiosk falls silent without any event. Uses t(), el() and
// alertText() of dashboard.js.
'use strict';

const page = document.body.dataset.page;
const timeText = (ms) => (ms ? new Date(ms).toTimeString().slice(0, 8) : t('never'));

function kioskRow(tbody, k) {
  const tr = el('tr', '', tbody);
  tr.dataset.device = k.device;
  el('td', 'k-device', tr).textContent = k.device;
  el('td', 'k-room', tr).textContent = (k.room || k.rooms) + (k.mode ? ' (' + k.mode + ')' : '');
  el('td', 'k-contact', tr).textContent = timeText(k.last_contact);
  const pending = el('td', 'k-pending', tr);
  const clock = el('td', 'k-clock', tr);
  const version = el('td', 'k-version', tr);
  if (!k.heartbeat) {
    pending.textContent = clock.textContent = t('no_heartbeat');
    tr.className = 'warn';
    return;
  }
  pending.textContent = String(k.pending) +
    (k.quarantined ? ' · ' + t('quarantined').replace('{n}', k.quarantined) : '');
  if (!k.clock_synced) clock.textContent = t('unsynced');
  else if (k.clock_offset_ms !== null && !k.clock_ok)
    clock.textContent = t('off_by').replace('{s}', (-k.clock_offset_ms / 1000).toFixed(1));
  else clock.textContent = t('synced');
  version.textContent = k.version;
  if (!k.clock_ok || k.quarantined) tr.className = 'warn';
}

async function loadKiosks() {
  const r = await fetch('/api/kiosks', { credentials: 'same-origin' });
  if (!r.ok) return;
  const tbody = document.querySelector('#kiosks tbody');
  tbody.textContent = '';
  for (const k of await r.json()) kioskRow(tbody, k);
}

async function loadAlertList() {
  const r = await fetch('/api/alerts', { credentials: 'same-origin' });
  if (!r.ok) return;
  const list = await r.json();
  const ul = document.getElementById('alertlist');
  ul.textContent = '';
  for (const a of list) {
    const li = el('li', 'alert alert-' + a.kind, ul);
    el('span', 'text', li).textContent = alertText(a);
    if (a.since) el('span', 'since', li).textContent = ' · ' + t('since').replace('{t}', timeText(a.since));
  }
  document.getElementById('noalerts').hidden = list.length !== 0;
}

// People (organisers): the search of the kiosk's staff lookup, on central's model.
async function findPeople(q) {
  const count = document.getElementById('count');
  const tbody = document.querySelector('#people tbody');
  tbody.textContent = '';
  const r = await fetch('/api/people?q=' + encodeURIComponent(q), { credentials: 'same-origin' });
  if (r.status === 400) { count.textContent = t('too_short'); return; }
  if (!r.ok) return;
  const res = await r.json();
  count.textContent = t('found').replace('{n}', res.total);
  for (const p of res.people) {
    const tr = el('tr', '', tbody);
    tr.dataset.attendee = p.attendee;
    el('td', 'name', tr).textContent = p.name;
    el('td', 'org', tr).textContent = p.organisation;
    el('td', 'checkin', tr).textContent = p.checked_in ? p.checked_in.slice(11, 16) : '–';
    el('td', 'sessions', tr).textContent = p.sessions.map((s) =>
      (s.minutes > 0 ? '✓ ' : '✗ ') + s.title + (s.minutes > 0 ? ' (' + s.minutes + ' ' + t('min') + ')' : '')).join(' · ');
  }
}
if (page === 'people') {
  const q = new URLSearchParams(location.search).get('q');
  document.getElementById('q').value = q || '';
  if (q) findPeople(q);
}

const load = page === 'kiosks' ? loadKiosks : page === 'alerts' ? loadAlertList : null;
{
  const clock = document.getElementById('clock');
  const tick = () => { clock.textContent = clockText(Date.now()); };
  tick();
  if (load) load();
  setInterval(() => { tick(); if (load) load(); }, 10000);
}
