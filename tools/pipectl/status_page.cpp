// The HTML of the status page: one self-contained document, styles and script inline.
//
// The script polls /status.json every second and updates the page in place, one card per
// handle keyed by its name: a card and its video players are created once and then only
// changed, so a refresh never restarts a video someone is watching. Text from the run goes in
// through textContent only. Elements carry data attributes (data-handle, data-state,
// data-fraction, data-count) for tests and scripts.
#include "status_page.hpp"

namespace pipectl::cli {

const std::string& status_page_html() {
  static const std::string page = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pipectl run</title>
<style>
:root {
  --bg: #f5f6f8; --card: #fff; --text: #1d2330; --muted: #5d6878; --line: #dde1e7;
  --queued: #8a94a3; --running: #1f6feb; --done: #1a7f37; --failed: #cf222e; --skipped: #8250df;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
header { padding: 18px 28px 16px; background: var(--card); border-bottom: 1px solid var(--line); }
h1 { margin: 0 0 2px; font-size: 20px; font-weight: 600; }
code { font: 0.9em ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono", monospace; }
#run { color: var(--muted); }
#run b { color: var(--text); font-weight: 500; font-variant-numeric: tabular-nums; }
#run-state { margin: 10px 0 0; font-weight: 600; }
body[data-over="true"] #run-state { color: var(--done); }
body[data-interrupted="true"] #run-state, body[data-connection="lost"] #run-state { color: var(--failed); }
#counts { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }
.count { border: 1px solid var(--line); border-radius: 999px; padding: 2px 12px; background: var(--bg); }
.count::before { content: ""; display: inline-block; width: 8px; height: 8px; margin-right: 6px;
                 border-radius: 50%; background: var(--c); }
.count b, .total b { font-variant-numeric: tabular-nums; }
.total { padding: 3px 4px; color: var(--muted); }
#handles { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px;
           padding: 20px 28px; align-items: start; }
.handle { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--c);
          border-radius: 8px; padding: 14px 16px; }
.top { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.name { font-weight: 600; font-size: 16px; overflow-wrap: anywhere; }
.state { flex: none; font-size: 12px; letter-spacing: .04em; text-transform: uppercase; color: #fff;
         background: var(--c); border-radius: 4px; padding: 1px 7px; }
.activity { color: var(--muted); min-height: 1.45em; margin: 4px 0 8px; }
.progress { height: 8px; border-radius: 4px; overflow: hidden; background: var(--line); }
.progress .bar { height: 100%; width: 0; background: var(--c); transition: width .4s ease; }
.numbers { display: flex; flex-wrap: wrap; gap: 2px 16px; margin-top: 10px; font-size: 14px;
           font-variant-numeric: tabular-nums; }
.numbers .label { color: var(--muted); }
.nodes { margin-top: 4px; color: var(--muted); font-size: 13px; }
.error { margin-top: 8px; color: var(--failed); white-space: pre-wrap; overflow-wrap: anywhere; }
video { display: block; width: 100%; aspect-ratio: 16 / 9; margin-top: 12px; border-radius: 6px;
        background: #000; }
[data-state="queued"], [data-count="queued"] { --c: var(--queued); }
[data-state="running"], [data-count="running"] { --c: var(--running); }
[data-state="done"], [data-count="done"] { --c: var(--done); }
[data-state="failed"], [data-count="failed"] { --c: var(--failed); }
[data-state="skipped"], [data-count="skipped"] { --c: var(--skipped); }
</style>
</head>
<body>
<header>
  <h1>pipectl run <code id="graph"></code></h1>
  <div id="run">day <b id="date">…</b> · time zone <b id="tz">…</b> · elapsed <b id="elapsed">…</b></div>
  <div id="counts">
    <span class="count" data-count="queued">queued <b>0</b></span>
    <span class="count" data-count="running">running <b>0</b></span>
    <span class="count" data-count="done">done <b>0</b></span>
    <span class="count" data-count="failed">failed <b>0</b></span>
    <span class="count" data-count="skipped">skipped <b>0</b></span>
    <span class="total">of <b id="total">0</b> handles</span>
  </div>
  <div id="fleet" hidden>queue <code id="queue"></code>:
    <span class="count" data-fleet="queued">waiting <b>0</b></span>
    <span class="count" data-fleet="pending">with workers <b>0</b></span>
    <span class="count" data-fleet="dead">dead-lettered <b>0</b></span>
    <span id="workers"></span>
  </div>
  <p id="run-state">Connecting to pipectl…</p>
</header>
<main id="handles"></main>
<script>
'use strict';
const byId = (id) => document.getElementById(id);
const cards = new Map();  // handle -> its card's elements, made once

function make(tag, className, parent) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (parent) parent.appendChild(element);
  return element;
}

// Writes only what changed, so a refresh does not disturb a text selection.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function duration(seconds) {
  if (!(seconds >= 0)) return '–';
  if (seconds < 60) return seconds.toFixed(seconds < 10 ? 1 : 0) + ' s';
  const minutes = Math.floor(seconds / 60), rest = Math.floor(seconds % 60);
  return minutes + ' min ' + String(rest).padStart(2, '0') + ' s';
}

function cardFor(handle) {
  let card = cards.get(handle);
  if (card) return card;
  const root = make('article', 'handle', byId('handles'));
  root.dataset.handle = handle;
  const top = make('div', 'top', root);
  make('div', 'name', top).textContent = handle;
  card = {root, state: make('span', 'state', top), activity: make('div', 'activity', root),
          progress: make('div', 'progress', root), numbers: {}, players: new Map()};
  card.bar = make('div', 'bar', card.progress);
  card.progress.setAttribute('role', 'progressbar');
  card.progress.setAttribute('aria-valuemin', '0');
  card.progress.setAttribute('aria-valuemax', '100');
  const numbers = make('div', 'numbers', root);
  for (const [key, label] of [['posts', 'posts'], ['video', 'video'], ['wall', 'wall time'], ['warnings', 'warnings']]) {
    const item = make('span', key, numbers);
    make('span', 'label', item).textContent = label + ' ';
    card.numbers[key] = make('b', null, item);
  }
  card.nodes = make('div', 'nodes', root);
  card.error = make('div', 'error', root);
  card.error.hidden = true;
  card.videos = make('div', 'videos', root);
  cards.set(handle, card);
  return card;
}

function activityOf(h) {
  switch (h.state) {
    case 'queued': return h.attempt > 0 ? 'queued for another attempt' : 'waiting for its turn';
    case 'running': return h.activity || h.stage || 'starting';
    case 'done': return 'finished in ' + duration(h.seconds);
    case 'skipped': return 'already made: skipped';
    case 'failed': return h.stage ? 'failed in ' + h.stage : 'failed';
  }
  return h.state;
}

function showHandle(h) {
  const card = cardFor(h.handle);
  card.root.dataset.state = h.state;
  card.root.dataset.cards = h.cards;
  card.root.dataset.videoSeconds = h.video_seconds;
  setText(card.state, h.state + (h.attempt > 1 ? ' · attempt ' + h.attempt : '')
      + (h.worker && h.state === 'running' ? ' · on ' + h.worker : ''));
  setText(card.activity, activityOf(h));

  const fraction = Math.min(1, Math.max(0, Number(h.fraction) || 0));
  card.progress.dataset.fraction = fraction;
  card.progress.setAttribute('aria-valuenow', Math.round(fraction * 100));
  card.bar.style.width = (fraction * 100).toFixed(1) + '%';

  // Posts are counted when the handle finishes; until then, the total its source announced,
  // or what the source has found so far.
  const found = h.total ?? (h.nodes.length ? h.nodes[0].emitted : 0);
  setText(card.numbers.posts, h.state === 'queued' ? '–' : String(h.posts || found));
  setText(card.numbers.video, h.video_seconds > 0
      ? duration(h.video_seconds) + (h.cards > 0 ? ' (' + h.cards + ' cards)' : '') : '–');
  setText(card.numbers.wall, h.seconds > 0 ? duration(h.seconds) : '–');
  setText(card.numbers.warnings, String(h.warnings));
  setText(card.nodes, h.state === 'running'
      ? h.nodes.map((n, i) => n.node + ' ' + (i === 0 ? n.emitted : n.received) + (n.done ? ' ✓' : '')).join(' · ')
      : '');
  card.error.hidden = !h.error;
  setText(card.error, h.error || '');

  // A player per video, made once: replacing it would stop the playback.
  for (const url of h.videos) {
    if (card.players.has(url)) continue;
    const player = make('video', 'player');
    player.controls = true;
    player.preload = 'metadata';
    player.playsInline = true;
    player.src = url;
    card.videos.appendChild(player);
    card.players.set(url, player);
  }
  for (const [url, player] of card.players) {
    if (h.videos.includes(url)) continue;  // gone: the handle runs again
    player.removeAttribute('src');
    player.load();
    player.remove();
    card.players.delete(url);
  }
}

function showRun(s) {
  setText(byId('graph'), s.graph);
  setText(byId('date'), s.date);
  setText(byId('tz'), s.tz);
  setText(byId('elapsed'), duration(s.elapsed_seconds));
  for (const count of document.querySelectorAll('[data-count]'))
    setText(count.querySelector('b'), String(s.counts[count.dataset.count]));
  setText(byId('total'), String(s.counts.total));
  document.body.dataset.over = s.over;
  document.body.dataset.interrupted = s.interrupted;
  const c = s.counts;
  const summary = c.done + ' done, ' + c.failed + ' failed, ' + c.skipped + ' skipped';
  setText(byId('run-state'), s.interrupted ? 'The run was interrupted: ' + summary + '.'
                           : s.over ? 'The run is over: ' + summary + '.'
                           : 'Running: ' + (c.done + c.failed + c.skipped) + ' of ' + c.total + ' handles finished.');
  document.title = (s.over ? 'over' : c.done + c.skipped + '/' + c.total) + ' · pipectl run';
  if (s.fleet) {
    byId('fleet').hidden = false;
    setText(byId('queue'), s.fleet.queue);
    for (const count of document.querySelectorAll('[data-fleet]'))
      setText(count.querySelector('b'), String(s.fleet[count.dataset.fleet]));
    const workers = Object.entries(s.fleet.running_per_worker);
    setText(byId('workers'), workers.length
        ? '· running: ' + workers.map(([worker, n]) => worker + ' ' + n).join(', ') : '· no worker running a job');
  }
  for (const h of s.handles) showHandle(h);
}

let failures = 0;
async function poll() {
  let status;
  try {
    const response = await fetch('/status.json', {cache: 'no-store'});
    if (!response.ok) throw new Error('HTTP ' + response.status);
    status = await response.json();
  } catch (error) {
    ++failures;
    document.body.dataset.connection = 'lost';
    setText(byId('run-state'), failures < 3 ? 'Reconnecting to pipectl…'
        : 'pipectl does not answer (' + error.message + '): the run has probably ended.');
    setTimeout(poll, 2000);
    return;
  }
  failures = 0;
  delete document.body.dataset.connection;
  showRun(status);
  if (!status.over) setTimeout(poll, 1000);  // once over, the server stops with the run
}
poll();
</script>
</body>
</html>
)html";
  return page;
}

}  // namespace pipectl::cli
