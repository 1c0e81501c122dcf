// Bulwark operator page: polls /dashboard/api/state while visible and draws it; charts are hand-written SVG.
// Everything from the server is put in the page as text (textContent), never as markup.
'use strict';
(() => {
  const STATE_URL = '/dashboard/api/state';
  const LOGIN_URL = '/dashboard/login';
  const HISTORY = 300;
  const SVG = 'http://www.w3.org/2000/svg';

  let pollMs = 1000;
  let csrf = null;
  let since = null;
  let timer = null;
  let inFlight = false;
  let pending = null; // the action waiting for confirmation
  const history = { gateway: null, providers: {} };
  const rows = new Map(); // provider name -> row cells

  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    return node;
  }

  // ---- numbers and times -------------------------------------------------------------------------------------------
  const fmt = (n, digits = 0) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
  const pct = (r) => (r === null || r === undefined ? '–' : (100 * r).toFixed(r > 0 && r < 0.01 ? 2 : 1) + '%');
  const ms = (v) => (v === null || v === undefined ? '–' : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toString());
  const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : '–');
  const dateTime = (iso) => (iso ? new Date(iso).toLocaleString([], { hour12: false }) : '–');
  const stateLabel = (s) => (s ? s.replace('_', '-') : 'none');

  function setRows(tbody, items, cells) {
    tbody.replaceChildren(...items.map((item) => {
      const tr = document.createElement('tr');
      for (const value of cells(item)) {
        tr.append(value instanceof Node ? el('td', {}, value) : el('td', { text: value === null || value === undefined ? '–' : String(value) }));
      }
      return tr;
    }));
  }

  // ---- series --------------------------------------------------------------------------------------------------------
  function merge(series) {
    const contiguous = since !== null && series.from === since + 1 && history.gateway !== null;
    const length = contiguous ? history.gateway.requests.length : 0;
    history.gateway = join(contiguous ? history.gateway : null, series.gateway, length);
    const providers = {};
    for (const [name, points] of Object.entries(series.providers)) {
      providers[name] = join(contiguous ? history.providers[name] || null : null, points, length);
    }
    history.providers = providers;
    since = series.to;
  }

  function join(old, added, oldLength) {
    const result = {};
    for (const [key, values] of Object.entries(added)) {
      const before = old && old[key] ? old[key] : new Array(oldLength).fill(key.endsWith('_ms') ? null : 0);
      result[key] = before.concat(values).slice(-HISTORY);
    }
    return result;
  }

  // ---- charts --------------------------------------------------------------------------------------------------------
  function niceMax(max) {
    if (!(max > 0)) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(max)));
    for (const step of [1, 2, 2.5, 5, 10]) if (max <= step * power) return step * power;
    return 10 * power;
  }

  function path(values, x, y) {
    let d = '';
    let drawing = false;
    values.forEach((v, i) => {
      if (v === null || v === undefined || Number.isNaN(v)) { drawing = false; return; }
      // A zero-length step after each move: a second alone between gaps shows as a dot (round line caps).
      d += (drawing ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1) + (drawing ? '' : 'h0.01');
      drawing = true;
    });
    return d;
  }

  function chart(node, lines, unit) {
    const width = 320, height = 110, left = 34, right = 6, top = 8, bottom = 16;
    const all = lines.flatMap((l) => l.values).filter((v) => v !== null && v !== undefined);
    const max = unit === '%' ? Math.max(1, niceMax(Math.max(...all, 0))) : niceMax(Math.max(...all, 0));
    const slots = HISTORY - 1;
    const x = (i, count) => left + ((width - left - right) * (slots - (count - 1 - i))) / slots;
    const y = (v) => top + (height - top - bottom) * (1 - Math.min(v, max) / max);
    const parts = [];
    for (const fraction of [0, 0.5, 1]) {
      const gy = top + (height - top - bottom) * fraction;
      parts.push(svg('line', { class: 'grid', x1: left, x2: width - right, y1: gy, y2: gy }));
      const label = svg('text', { x: left - 4, y: gy + 3, 'text-anchor': 'end' });
      label.textContent = fmtAxis(max * (1 - fraction)) + (fraction === 0 ? unit : '');
      parts.push(label);
    }
    for (const [text, anchor, at] of [['−5 min', 'start', left], ['now', 'end', width - right]]) {
      const label = svg('text', { x: at, y: height - 3, 'text-anchor': anchor });
      label.textContent = text;
      parts.push(label);
    }
    for (const line of lines) {
      const count = line.values.length;
      parts.push(svg('path', { class: line.cls, d: path(line.values, (i) => x(i, count), y) }));
    }
    node.replaceChildren(...parts);
  }

  function fmtAxis(v) {
    if (v >= 1000) return (v / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 }) + 'k';
    return v.toLocaleString('en-US', { maximumFractionDigits: v < 1 ? 2 : 1 });
  }

  function sparkline(node, lines) {
    const width = 150, height = 28;
    const all = lines.flatMap((l) => l.values);
    const max = niceMax(Math.max(...all, 0));
    const parts = lines.map((line) => {
      const count = line.values.length;
      const x = (i) => width - 1 - ((count - 1 - i) * (width - 2)) / (HISTORY - 1);
      const y = (v) => 2 + (height - 4) * (1 - v / max);
      return svg('path', { class: line.cls, d: path(line.values, x, y) });
    });
    node.replaceChildren(...parts);
  }

  function drawTraffic() {
    const g = history.gateway;
    if (!g) return;
    chart($('chart-requests'), [{ values: g.requests, cls: 'ok' }, { values: g.errors, cls: 'bad' }], '/s');
    const rate = g.requests.map((n, i) => (n > 0 ? (100 * g.errors[i]) / n : null));
    chart($('chart-errors'), [{ values: rate, cls: 'bad' }], '%');
    chart($('chart-latency'), [{ values: g.p95_ms, cls: 'warn' }, { values: g.mean_ms, cls: 'ok' }], ' ms');
  }

  // ---- providers -----------------------------------------------------------------------------------------------------
  function providerRow(name) {
    let row = rows.get(name);
    if (row) return row;
    const tr = el('tr', { 'data-provider': name });
    const cell = () => { const td = el('td'); tr.append(td); return td; };
    row = { tr, name: cell(), breaker: cell(), health: cell(), errors: cell(), latency: cell(), spark: cell(), bulkhead: cell(), actions: cell() };
    row.name.append(el('b', { text: name }), el('br'), el('small', { class: 'base-url' }));
    row.stateBadge = el('span', { class: 'state' });
    row.breakerNote = el('small');
    row.breaker.append(row.stateBadge, el('br'), row.breakerNote);
    row.meter = el('meter', { min: '0', max: '100', low: '50', high: '80', optimum: '100' });
    row.score = el('span', { class: 'score' });
    row.health.append(row.meter, ' ', row.score);
    row.errors.className = 'num';
    row.latency.className = 'num';
    row.sparkSvg = svg('svg', { class: 'spark', viewBox: '0 0 150 28', role: 'img', 'aria-label': 'Attempts per second' });
    row.sparkNote = el('small');
    row.spark.append(row.sparkSvg, row.sparkNote);
    row.bulkhead.className = 'num';
    row.actions.className = 'actions';
    row.isolate = el('button', { type: 'button', 'data-action': 'isolate', 'data-provider': name, text: 'Isolate' });
    row.reset = el('button', { type: 'button', 'data-action': 'reset', 'data-provider': name, text: 'Reset' });
    row.actions.append(row.isolate, row.reset);
    rows.set(name, row);
    return row;
  }

  function drawProviders(providers) {
    const tbody = $('providers').tBodies[0];
    const seen = new Set();
    for (const p of providers) {
      seen.add(p.name);
      const row = providerRow(p.name);
      row.name.querySelector('.base-url').textContent = p.base_url + ' · pipeline ' + p.pipeline;
      const state = p.breaker ? p.breaker.state : 'none';
      row.tr.dataset.state = state;
      row.stateBadge.className = 'state state-' + state;
      row.stateBadge.textContent = stateLabel(p.breaker ? state : null);
      row.breakerNote.textContent = breakerNote(p.breaker);
      if (p.health) {
        row.meter.value = p.health.score;
        row.score.textContent = p.health.score + ' ' + p.health.status;
        row.score.className = 'score status-' + p.health.status;
        row.errors.textContent = pct(p.health.error_rate) + (p.health.samples ? ' of ' + p.health.samples : '');
        row.latency.textContent = ms(p.health.latency_p50_ms) + ' / ' + ms(p.health.latency_p95_ms) + ' ms';
      } else {
        row.meter.value = 0;
        row.score.textContent = '–';
        row.errors.textContent = '–';
        row.latency.textContent = '–';
      }
      const series = history.providers[p.name];
      if (series) {
        sparkline(row.sparkSvg, [
          { values: series.attempts.map((n, i) => n - series.failures[i]), cls: 'ok' },
          { values: series.failures, cls: 'bad' },
          { values: series.rejections, cls: 'warn' },
        ]);
        const last = (a) => a.slice(-10).reduce((s, v) => s + v, 0) / Math.min(10, a.length || 1);
        row.sparkNote.textContent = fmt(last(series.attempts), 1) + '/s now, ' + fmt(last(series.rejections), 1) + ' refused/s';
      }
      row.bulkhead.textContent = p.bulkhead
        ? p.bulkhead.active + '/' + p.bulkhead.max_concurrency + ' active, ' + p.bulkhead.queued + '/' + p.bulkhead.queue_limit + ' queued, ' + fmt(p.bulkhead.rejected_total) + ' rejected'
        : 'none';
      const canAct = p.breaker && p.breaker.built;
      row.isolate.disabled = !canAct || state === 'isolated';
      row.reset.disabled = !canAct;
      row.isolate.title = canAct ? 'Stop sending requests to ' + p.name : 'No breaker built yet (no request has used it)';
      row.reset.title = canAct ? 'Close the breaker and forget what it learned' : row.isolate.title;
      tbody.append(row.tr); // keeps the configured order
    }
    for (const [name, row] of rows) {
      if (!seen.has(name)) { row.tr.remove(); rows.delete(name); }
    }
  }

  function breakerNote(b) {
    if (!b) return 'no breaker';
    if (!b.built) return 'not built yet';
    let note = b.mode + ', ' + pct(b.failure_rate) + ' of ' + b.window_calls;
    if (b.state === 'open' && b.open_until) note += ', probes at ' + time(b.open_until);
    if (b.trip_count) note += ', trips ' + b.trip_count;
    return note;
  }

  // ---- the other panels ----------------------------------------------------------------------------------------------
  function drawTransitions(transitions) {
    setRows($('transitions').tBodies[0], transitions, (t) => [
      time(t.at),
      t.provider,
      stateLabel(t.from) + ' → ' + stateLabel(t.to),
      t.reason + (t.break_seconds ? ' (open ' + t.break_seconds + ' s)' : ''),
      pct(t.failure_rate),
    ]);
    $('transitions-empty').hidden = transitions.length > 0;
  }

  function drawDeliveries(d) {
    const counts = $('delivery-counts');
    counts.replaceChildren(...Object.entries(d.counts).map(([state, n]) => el('div', { class: state }, el('b', { text: fmt(n) }), state)));
    $('deliveries-error').hidden = d.available;
    $('deliveries-error').textContent = d.error || '';
    setRows($('dead-letters').tBodies[0], d.dead_letters, (e) => [
      el('code', { text: e.id.slice(0, 12) + '…', title: e.id }),
      e.route,
      e.method + ' ' + e.target,
      e.attempts + '/' + e.maxAttempts,
      dateTime(e.acceptedAt),
      el('span', { class: 'wrap', text: e.lastError || '–' }),
    ]);
    $('dead-letters-empty').hidden = d.dead_letters.length > 0;
  }

  function drawUsage(u) {
    $('usage-error').hidden = u.available;
    $('usage-error').textContent = u.error || '';
    setRows($('usage').tBodies[0], u.providers, (g) => [
      g.key || '(none)', fmt(g.requests), fmt(g.input_tokens), fmt(g.cached_input_tokens), fmt(g.output_tokens),
      Number(g.cost).toFixed(6) + ' ' + u.currency, fmt(g.unpriced_requests),
    ]);
    $('usage-empty').hidden = !u.available || u.providers.length > 0;
  }

  // ---- budgets -------------------------------------------------------------------------------------------------------
  // "Tue 14:00" within the coming week; past it the date too ("Fri 1 Jan 00:00"), a weekday alone being ambiguous.
  const weekdayTime = (d) => d.toLocaleString([], Math.abs(d - Date.now()) < 6 * 86400000
    ? { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const clock = (d) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const sameDay = (a, b) => a.toDateString() === b.toDateString();

  // The dimension the bar shows: the one that has used the larger share of its limit (as the level does).
  function budgetShare(b, what) {
    const share = (dim) => (b.limit[dim] ? (b[what][dim] || 0) / b.limit[dim] : 0);
    return { tokens: share('tokens'), cost: share('cost') };
  }

  function budgetBar(b) {
    const used = budgetShare(b, 'spent');
    const dim = used.cost > used.tokens || b.limit.tokens === null ? 'cost' : 'tokens';
    const width = 180;
    const spent = Math.min(1, used[dim]);
    const reserved = Math.min(1 - spent, budgetShare(b, 'reserved')[dim]);
    const bar = svg('svg', { class: 'budget-bar', viewBox: '0 0 ' + width + ' 10', preserveAspectRatio: 'none', role: 'img', 'aria-label': pct(used[dim]) + ' of the ' + dim + ' limit spent' });
    bar.append(
      svg('rect', { class: 'track', x: 0, y: 0, width, height: 10 }),
      svg('rect', { class: 'spent', x: 0, y: 0, width: (spent * width).toFixed(1), height: 10 }),
      svg('rect', { class: 'reserved', x: (spent * width).toFixed(1), y: 0, width: (reserved * width).toFixed(1), height: 10 }));
    return bar;
  }

  // Tokens as whole numbers; money with cents, or four decimals below one (a budget of cents is common).
  const figure = (dim, value) => (dim === 'tokens' ? fmt(value) : fmt(value, value !== 0 && Math.abs(value) < 1 ? 4 : 2));
  const amount = (dim, value, currency) => figure(dim, value) + ' ' + (dim === 'tokens' ? 'tokens' : currency);

  function budgetUsed(b, currency) {
    const lines = [];
    for (const dim of ['tokens', 'cost']) {
      if (b.limit[dim] === null) continue;
      let line = figure(dim, b.spent[dim]);
      if (b.reserved[dim]) line += ' + ' + figure(dim, b.reserved[dim]) + ' reserved';
      lines.push(line + ' of ' + amount(dim, b.limit[dim], currency));
    }
    if (b.inFlight) lines.push(b.inFlight + ' in flight');
    return lines.join(' · ');
  }

  function budgetRemaining(b, currency) {
    const parts = [];
    for (const dim of ['tokens', 'cost']) if (b.remaining[dim] !== null) parts.push(amount(dim, b.remaining[dim], currency));
    return parts.join(' · ');
  }

  // A TimeSpan as .NET writes it ("c": [d.]hh:mm:ss[.fffffff]), in the largest whole unit that fits.
  function span(text) {
    const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(text || '');
    if (!m) return text;
    const seconds = (+(m[1] || 0)) * 86400 + (+m[2]) * 3600 + (+m[3]) * 60 + (+m[4]);
    for (const [unit, size] of [['d', 86400], ['h', 3600], ['min', 60]]) if (seconds % size === 0 && seconds >= size) return seconds / size + ' ' + unit;
    return seconds + ' s';
  }

  function budgetReset(b) {
    if (b.period === 'Rolling') return 'rolling, last ' + span(b.window);
    return weekdayTime(new Date(b.periodEnd));
  }

  function budgetForecast(b) {
    if (b.level === 'EXHAUSTED') return 'exhausted';
    const f = b.forecast;
    if (!f) return 'no forecast (needs the SQLite store)';
    if (!f.exhaustionAt) return b.period === 'Rolling' ? 'not within the window' : 'not before reset';
    const at = new Date(f.exhaustionAt);
    let text = 'runs out ~ ' + weekdayTime(at);
    if (f.exhaustionEarliest && f.exhaustionLatest) {
      const earliest = new Date(f.exhaustionEarliest);
      const latest = new Date(f.exhaustionLatest);
      const show = (d) => (sameDay(d, at) ? clock(d) : weekdayTime(d));
      text += ' (' + show(earliest) + '–' + show(latest) + ')';
    }
    return text;
  }

  function drawBudgets(budgets, total, currency) {
    $('budgets-panel').hidden = !budgets || budgets.length === 0;
    if (!budgets) return;
    $('budgets-shown').textContent = budgets.length < total
      ? 'the ' + fmt(budgets.length) + ' of ' + fmt(total) + ' counters that have used the most of their limit'
      : fmt(total) + (total === 1 ? ' counter' : ' counters') + ', most used first';
    const tbody = $('budgets').tBodies[0];
    tbody.replaceChildren(...budgets.map((b) => {
      const tr = el('tr', { 'data-budget': b.name, 'data-subject': b.subject === null ? '' : b.subject, 'data-level': b.level });
      const name = el('td', {}, el('b', { text: b.name }), ' ', el('span', { text: b.subject === null ? '(global)' : b.subject }), el('br'),
        el('small', { text: b.per + ' · ' + b.mode + ' · ' + b.period + (b.counting ? ' · counting from the ledger…' : '') }));
      const level = el('td', {}, el('span', { class: 'state level-' + b.level, text: b.level }));
      const used = el('td', {}, budgetBar(b), el('small', { text: budgetUsed(b, currency) }));
      const reset = el('td', { text: budgetReset(b), title: b.period === 'Rolling' ? '' : 'period ends ' + dateTime(b.periodEnd) });
      const projected = b.forecast ? 'by period end ~ ' + amount(b.forecast.dimension, b.forecast.projectedAtPeriodEnd, currency) : '';
      const forecast = el('td', { class: 'forecast' }, el('span', { text: budgetForecast(b) }), el('br'), el('small', { text: projected }));
      tr.append(name, level, used, el('td', { class: 'num', text: budgetRemaining(b, currency) }), reset, forecast);
      return tr;
    }));
  }

  function drawConfiguration(c) {
    const r = c.reload || {};
    let text = 'Generation ' + r.generation + ' in force. ';
    text += r.watching ? 'Following the configuration file (checked every ' + r.poll_interval_seconds + ' s). ' : 'Not following a configuration file. ';
    text += (r.applied || 0) + ' reload(s) applied, ' + (r.rejected || 0) + ' rejected.';
    if (r.last) text += ' Last: ' + r.last.outcome + ' at ' + dateTime(r.last.at) + '.';
    $('reload').textContent = text;
    const problems = [];
    if (r.last && r.last.outcome === 'rejected') for (const e of r.last.errors) problems.push('Rejected: ' + e);
    if (r.last && r.last.restart_required.length) problems.push('Needs a restart to apply: ' + r.last.restart_required.join(', '));
    $('reload-errors').replaceChildren(...problems.map((p) => el('li', { text: p })));
    $('store').textContent = 'Store: ' + c.store.description + (c.store.available ? '' : ' — ' + (c.store.problem || 'unavailable'));
    $('store').className = c.store.available ? '' : 'error';
    setRows($('routes').tBodies[0], c.routes, (rt) => [el('code', { text: rt.path }), rt.methods, rt.providers, rt.api, rt.on_failure, rt.timeout]);
    setRows($('pipelines').tBodies[0], c.pipelines, (p) => [p.name, p.retry, p.circuit_breaker, p.timeout, p.bulkhead]);
  }

  function render(state) {
    pollMs = state.poll_interval_ms || pollMs;
    const status = $('status');
    status.textContent = state.status;
    status.className = 'pill ' + state.status;
    $('meta').textContent = (state.version ? 'version ' + state.version.split('+')[0] + ' · ' : '') + 'up ' + uptime(state.uptime_seconds);
    $('updated').textContent = 'updated ' + time(state.now);
    drawTraffic();
    drawProviders(state.providers);
    drawTransitions(state.transitions);
    drawDeliveries(state.deliveries);
    drawUsage(state.usage);
    drawBudgets(state.budgets, state.budgets_total, state.usage.currency);
    drawConfiguration(state.configuration);
  }

  function uptime(seconds) {
    const s = Math.floor(seconds);
    if (s < 120) return s + ' s';
    if (s < 7200) return Math.floor(s / 60) + ' min';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  // ---- polling -------------------------------------------------------------------------------------------------------
  async function poll() {
    if (inFlight) return;
    inFlight = true;
    clearTimeout(timer);
    try {
      const response = await fetch(STATE_URL + (since === null ? '' : '?since=' + since), { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
      if (response.status === 401) { location.assign(LOGIN_URL); return; }
      if (!response.ok) throw new Error('the gateway answered ' + response.status);
      const state = await response.json();
      csrf = state.csrf_token;
      merge(state.series);
      render(state);
      $('connection').hidden = true;
    } catch (error) {
      $('connection').hidden = false;
      $('connection').textContent = 'Cannot reach the gateway (' + error.message + '); trying again.';
      $('status').className = 'pill lost';
      $('status').textContent = 'unreachable';
    } finally {
      inFlight = false;
      if (!document.hidden) timer = setTimeout(poll, pollMs);
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) clearTimeout(timer);
    else poll();
  });

  // ---- manual breaker actions, confirmed first -----------------------------------------------------------------------
  const explain = {
    isolate: (p) => 'Isolate the breaker of ' + p + '? No request goes to ' + p + ' until its breaker is reset; its routes fail over to their other providers.',
    reset: (p) => 'Reset the breaker of ' + p + '? It closes at once and forgets what it learned (failure window, trips, baseline): requests go to ' + p + ' again.',
  };

  $('providers').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button || button.disabled) return;
    pending = { provider: button.dataset.provider, action: button.dataset.action };
    $('confirm-text').textContent = explain[pending.action](pending.provider);
    $('confirm-yes').textContent = (pending.action === 'isolate' ? 'Isolate ' : 'Reset ') + pending.provider;
    $('confirm').hidden = false;
    $('confirm-yes').focus();
  });

  $('confirm-no').addEventListener('click', () => { pending = null; $('confirm').hidden = true; });

  $('confirm-yes').addEventListener('click', async () => {
    if (!pending) return;
    const { provider, action } = pending;
    pending = null;
    $('confirm').hidden = true;
    const result = $('action-result');
    try {
      const response = await fetch('/dashboard/api/breakers/' + encodeURIComponent(provider) + '/' + action, {
        method: 'POST', credentials: 'same-origin', headers: { 'X-Bulwark-CSRF': csrf || '' },
      });
      if (response.status === 401) { location.assign(LOGIN_URL); return; }
      const body = await response.json();
      result.className = response.ok ? '' : 'error';
      result.textContent = response.ok
        ? provider + ': ' + action + ' done; its breaker is ' + stateLabel(body.state) + '.'
        : provider + ': ' + action + ' refused — ' + (body.detail || response.status);
    } catch (error) {
      result.className = 'error';
      result.textContent = provider + ': ' + action + ' failed — ' + error.message;
    }
    poll();
  });

  $('logout').addEventListener('click', async () => {
    try {
      await fetch('/dashboard/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-Bulwark-CSRF': csrf || '' } });
    } finally {
      location.assign(LOGIN_URL);
    }
  });

  poll();
})();
