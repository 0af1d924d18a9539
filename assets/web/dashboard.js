// The dashboard's page: tiles for the rooms, kept live by the server's event stream (/stream:
// every room first, then each room that changes, and "status" when the dashboard loses or
// regains its database). No polling, no framework, nothing from the internet.
'use strict';

const TEXT = {
  en: { rooms: 'Rooms', login: 'Log in', name: 'Name', password: 'Password', now: 'Now',
        next: 'Next', none: 'No session', full: 'Full', closed: 'Closed', live: 'Live',
        down: 'No connection since {t}', page_down: 'Dashboard unreachable since {t}',
        wrong: 'Wrong name or password.', logout: 'Log out', room_full: '{name} is full', room_near: '{name} at {pct} %',
        kiosk_silent: 'Kiosk {device} silent since {t}', kiosk_never: 'Kiosk {device} never heard from',
        alerts: 'Alerts', kiosks: 'Kiosks', no_alerts: 'No alerts.', k_device: 'Kiosk', k_room: 'Room',
        k_contact: 'Last contact', k_pending: 'Waiting', k_clock: 'Clock', k_version: 'Version',
        synced: 'synchronised', unsynced: 'not synchronised', off_by: '{s} s off', never: 'never',
        quarantined: '{n} refused', no_heartbeat: 'no heartbeat', since: 'since {t}',
        people: 'People', reports: 'Reports', find: 'Find', p_name: 'Name', p_org: 'Organisation',
        p_checkin: 'Check-in', p_sessions: 'Sessions', found: '{n} found', too_short: 'Type at least 2 letters.',
        reports_about: 'Made from the central database when you open them.', min: 'min',
        arrivals: 'Entrances: {n} checked in · {r} arrivals in the last {m} min',
        arrivals_today: 'Entrances today: {n} of {e} checked in · {r} arrivals in the last {m} min' },
  nl: { rooms: 'Zalen', login: 'Aanmelden', name: 'Naam', password: 'Wachtwoord', now: 'Nu',
        next: 'Straks', none: 'Geen sessie', full: 'Vol', closed: 'Gesloten', live: 'Live',
        down: 'Geen verbinding sinds {t}', page_down: 'Dashboard onbereikbaar sinds {t}',
        wrong: 'Naam of wachtwoord onjuist.', logout: 'Afmelden', room_full: '{name} is vol', room_near: '{name} op {pct} %',
        kiosk_silent: 'Kiosk {device} stil sinds {t}', kiosk_never: 'Kiosk {device} nooit gehoord',
        kiosk_clock: 'Kiosk {device}: klok niet gesynchroniseerd of wijkt af van de server',
        kiosk_stuck: 'Kiosk {device}: scans raken niet meer geüpload',
        session_overbooked: '{name}: meer inschrijvingen dan plaatsen voor de volgende sessie',
        alerts: 'Meldingen', kiosks: 'Kiosken', no_alerts: 'Geen meldingen.', k_device: 'Kiosk', k_room: 'Zaal',
        k_contact: 'Laatste contact', k_pending: 'Wachtend', k_clock: 'Klok', k_version: 'Versie',
        synced: 'gesynchroniseerd', unsynced: 'niet gesynchroniseerd', off_by: '{s} s afwijking', never: 'nooit',
        quarantined: '{n} geweigerd', no_heartbeat: 'geen hartslag', since: 'sinds {t}',
        people: 'Personen', reports: 'Rapporten', find: 'Zoeken', p_name: 'Naam', p_org: 'Organisatie',
        p_checkin: 'Aangemeld', p_sessions: 'Sessies', found: '{n} gevonden', too_short: 'Typ minstens 2 letters.',
        reports_about: 'Gemaakt uit de centrale databank wanneer u ze opent.', min: 'min',
        arrivals: 'Ingangen: {n} aangemeld · {r} aankomsten in de laatste {m} min',
        arrivals_today: 'Ingangen vandaag: {n} van {e} aangemeld · {r} aankomsten in de laatste {m} min' },
  fr: { rooms: 'Salles', login: 'Connexion', name: 'Nom', password: 'Mot de passe', now: 'En cours',
        next: 'Ensuite', none: 'Pas de session', full: 'Complet', closed: 'Fermée', live: 'En direct',
        down: 'Pas de connexion depuis {t}', page_down: 'Tableau injoignable depuis {t}',
        wrong: 'Nom ou mot de passe incorrect.', logout: 'Déconnexion', room_full: '{name} est complète', room_near: '{name} à {pct} %',
        kiosk_silent: 'Borne {device} muette depuis {t}', kiosk_never: 'Borne {device} jamais entendue',
        kiosk_clock: 'Borne {device} : horloge non synchronisée ou décalée par rapport au serveur',
        kiosk_stuck: 'Borne {device} : les scans ne partent plus vers le serveur',
        session_overbooked: '{name} : plus d\'inscrits que de places pour la prochaine session',
        alerts: 'Alertes', kiosks: 'Bornes', no_alerts: 'Aucune alerte.', k_device: 'Borne', k_room: 'Salle',
        k_contact: 'Dernier contact', k_pending: 'En attente', k_clock: 'Horloge', k_version: 'Version',
        synced: 'synchronisée', unsynced: 'non synchronisée', off_by: 'décalage {s} s', never: 'jamais',
        quarantined: '{n} refusés', no_heartbeat: 'aucun signal', since: 'depuis {t}',
        people: 'Personnes', reports: 'Rapports', find: 'Chercher', p_name: 'Nom', p_org: 'Organisation',
        p_checkin: 'Arrivée', p_sessions: 'Sessions', found: '{n} trouvé(s)', too_short: 'Tapez au moins 2 lettres.',
        reports_about: 'Faits à partir de la base centrale à l\'ouverture.', min: 'min',
        arrivals: 'Entrées : {n} arrivés · {r} arrivées ces {m} dernières min',
        arrivals_today: "Entrées aujourd'hui : {n} arrivés sur {e} · {r} arrivées ces {m} dernières min" },
};
const lang = TEXT[document.documentElement.lang] ? document.documentElement.lang : 'en';
const t = (key) => TEXT[lang][key] || TEXT.en[key];

// The language switch: remembered in a cookie that the server reads.
const asked = new URLSearchParams(location.search).get('lang');
if (asked && TEXT[asked])
  document.cookie = 'portier_lang=' + asked + '; path=/; max-age=31536000; SameSite=Strict';
for (const a of document.querySelectorAll('[data-lang]'))
  a.classList.toggle('on', a.dataset.lang === lang);
for (const el of document.querySelectorAll('[data-t]'))
  el.textContent = t(el.dataset.t);

const hhmm = (iso) => (iso ? iso.slice(11, 16) : '');
const clockText = (ms) => new Date(ms).toTimeString().slice(0, 5);

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

const main = document.getElementById('rooms');
const tiles = new Map();

// TV: every room on the screen, in a grid about as wide as the screen's shape allows.
function layout() {
  const n = Math.max(tiles.size, 1);
  const cols = Math.max(1, Math.ceil(Math.sqrt(n * 1.6)));
  main.style.setProperty('--cols', cols);
  main.style.setProperty('--rows', Math.ceil(n / cols));
}

function sessionLine(p, label, s) {
  p.textContent = '';
  if (!s) {
    p.textContent = label === 'now' ? t('none') : '';
    return;
  }
  const time = el('span', 'time', p);
  time.textContent = t(label) + ' ' + hhmm(s.start) + '–' + hhmm(s.end);
  el('span', 'title', p).textContent = s.title;
}

function show(r) {
  let tile = tiles.get(r.room);
  if (!tile) {
    const root = el('section', 'room');
    root.dataset.room = r.room;
    tile = { root, name: el('h2', '', root) };
    const fig = el('div', 'figures', root);
    tile.occ = el('span', 'occ', fig);
    tile.cap = el('span', 'cap', fig);
    tile.tag = el('span', 'tag', fig);
    tile.fill = el('div', '', el('div', 'bar', root));
    tile.now = el('p', 'session now', root);
    tile.next = el('p', 'session next', root);
    main.appendChild(root);
    tiles.set(r.room, tile);
    layout();
  }
  tile.root.className = 'room level-' + r.level;
  tile.name.textContent = r.name;
  tile.occ.textContent = r.occupancy;
  tile.cap.textContent = '/ ' + r.capacity;
  tile.tag.textContent = r.level === 'closed' ? t('closed') : r.level === 'full' ? t('full') : '';
  const share = r.capacity > 0 ? Math.min(1, Math.max(0, r.occupancy / r.capacity)) : 0;
  tile.fill.style.width = (share * 100).toFixed(1) + '%';
  sessionLine(tile.now, 'now', r.session);
  sessionLine(tile.next, 'next', r.next_session);
}

const status = document.getElementById('status');
function setStatus(ok, text) {
  status.textContent = text;
  status.classList.toggle('down', !ok);
}

// Alerts, for logged-in staff: read again after each change of a room (at most twice a
// second) and every 30 s (a kiosk falls silent without any event).
const alerts = document.getElementById('alerts');
let alertsOn = false, alertsDue = 0;
function fill(text, vars) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
}
// A room's alert is worded with its tile's figures, which are live; on a page without the
// room's tile (/alerts) with the name and figures the alert carries, or in English the
// server's words with them.
function alertText(a) {
  const tile = a.room && tiles.get(a.room);
  if (a.room && !tile && lang === 'en') return a.text;
  const name = tile ? tile.name.textContent : a.name;
  if (a.kind === 'room_full') return fill(t('room_full'), { name });
  if (a.kind === 'room_near') {
    const r = tile ? Number(tile.occ.textContent) / Number(tile.cap.textContent.slice(2))
      : a.occupancy / a.capacity;
    return fill(t('room_near'), { name, pct: Math.floor(r * 100) });
  }
  if (a.kind === 'kiosk_silent')
    return fill(t(a.since ? 'kiosk_silent' : 'kiosk_never'), { device: a.device, t: clockText(a.since) });
  // The server words these in English, with their figures; other languages get their gist.
  if (lang !== 'en' && TEXT[lang][a.kind])
    return fill(TEXT[lang][a.kind], { device: a.device, name });
  return a.text;
}
async function loadAlerts() {
  alertsDue = 0;
  const r = await fetch('/api/alerts', { credentials: 'same-origin' });
  if (!r.ok) return;
  const list = await r.json();
  alerts.textContent = '';
  for (const a of list) {
    const li = el('li', 'alert alert-' + a.kind, alerts);
    li.textContent = alertText(a);
  }
  alerts.hidden = list.length === 0;
}
function alertsSoon() {
  if (alertsOn && !alertsDue) alertsDue = setTimeout(loadAlerts, 500);
}
// People and Reports are for organisers: their links show for them only.
function showOrganiserLinks(me) {
  for (const a of document.querySelectorAll('[data-org]')) a.hidden = !me || me.role !== 'organiser';
}
if (!alerts && document.querySelector('[data-org]'))
  fetch('/api/me', { credentials: 'same-origin' }).then((r) => r.json()).then(showOrganiserLinks);
if (alerts) {
  fetch('/api/me', { credentials: 'same-origin' }).then((r) => r.json()).then((me) => {
    if (!me) return;
    alertsOn = true;
    document.getElementById('login').hidden = true;
    document.getElementById('logout').hidden = false;
    document.getElementById('pages').hidden = false;
    showOrganiserLinks(me);
    // Once the rooms are on the page (their names and figures word the alerts).
    if (tiles.size) loadAlerts();
    setInterval(loadAlerts, 30000);
  });
}

if (main) {
  const clock = document.getElementById('clock');
  const tick = () => { clock.textContent = clockText(Date.now()); };
  tick();
  setInterval(tick, 10000);
  let lostAt = 0;
  const events = new EventSource('/stream');
  events.onopen = () => { lostAt = 0; };
  events.onmessage = (e) => { show(JSON.parse(e.data)); alertsSoon(); };
  // Arrivals at the entrances: people checked in so far (a multi-day event: today, of those
  // whose badge is valid today), and badges admitted lately.
  const arrivals = document.getElementById('arrivals');
  events.addEventListener('arrivals', (e) => {
    const a = JSON.parse(e.data);
    const today = a.expected_today >= 0;
    arrivals.textContent = fill(t(today ? 'arrivals_today' : 'arrivals'),
      { n: a.checked_in, e: a.expected_today, r: a.recent, m: a.minutes });
    arrivals.hidden = false;
  });
  events.addEventListener('status', (e) => {
    const s = JSON.parse(e.data);
    setStatus(s.connected, s.connected ? t('live') : t('down').replace('{t}', clockText(s.since || Date.now())));
  });
  // The browser reconnects by itself; the server then sends every room again.
  events.onerror = () => {
    if (!lostAt) lostAt = Date.now();
    setStatus(false, t('page_down').replace('{t}', clockText(lostAt)));
  };
}
