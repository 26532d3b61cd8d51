// The dashboard: filters kept in the URL and shared by every view; each view asks the API for what it shows.
"use strict";

const FILTERS = ["since", "until", "type", "quad", "country", "actor", "recipient", "q"];
const form = document.getElementById("filters");
let topo = null;       // the world outline, loaded once
let nextCursor = null; // the table's next page
let generation = 0;    // answers to an older filter are dropped

function currentParams() {
  const url = new URLSearchParams(location.search);
  const out = new URLSearchParams();
  for (const k of FILTERS) if (url.get(k)) out.set(k, url.get(k));
  return out;
}

function interval() {
  return new URLSearchParams(location.search).get("interval") || "month";
}

function formToUrl() {
  const url = new URLSearchParams();
  const data = new FormData(form);
  for (const k of [...FILTERS, "interval"]) {
    const v = String(data.get(k) || "").trim();
    if (v && !(k === "interval" && v === "month")) url.set(k, k === "country" ? v.toUpperCase() : v);
  }
  const ev = new URLSearchParams(location.search).get("event");
  if (ev) url.set("event", ev);
  return url;
}

function urlToForm() {
  const url = new URLSearchParams(location.search);
  for (const k of [...FILTERS, "interval"]) {
    const input = form.elements.namedItem(k);
    if (input) input.value = url.get(k) || (k === "interval" ? "month" : "");
  }
}

function navigate(url, {keepEvent = true} = {}) {
  if (!keepEvent) url.delete("event");
  const qs = url.toString();
  history.pushState(null, "", qs ? `?${qs}` : location.pathname);
  urlToForm();
  refresh();
}

function setFilter(name, value) {
  const url = new URLSearchParams(location.search);
  if (value === null || value === "") url.delete(name); else url.set(name, value);
  navigate(url);
}

async function api(path, params) {
  const qs = params && params.toString();
  const response = await fetch(qs ? `${path}?${qs}` : path, {headers: {Accept: "application/json"}});
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = JSON.stringify((await response.json()).detail); } catch (_) { /* not JSON */ }
    throw new Error(`${path}: ${response.status} ${detail}`);
  }
  return response.json();
}

function text(tag, value, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (value !== undefined && value !== null) node.textContent = value;
  return node;
}

function quadTag(event) {
  const tag = text("span", event.event, `tag q${event.quad_code}`);
  tag.title = (Charts.QUADS.find((q) => q.code === event.quad_code) || {name: ""}).name;
  return tag;
}

function who(name, code) {
  const span = text("span", name || "—");
  if (code) span.append(" ", text("span", code, "code"));
  return span;
}

// -- views ---------------------------------------------------------------------------------------------
async function loadTotals() {
  const o = await api("/api/stats/overview");
  const totals = document.getElementById("totals");
  totals.replaceChildren(text("b", o.events.toLocaleString()), " events",
                         o.first_day ? ` · ${o.first_day} – ${o.last_day}` : "");
  const select = form.elements.namedItem("type");
  const chosen = new URLSearchParams(location.search).get("type") || "";
  select.replaceChildren(new Option("any", ""));
  for (const t of o.types) select.add(new Option(`${t.event} (${t.n.toLocaleString()})`, t.event));
  select.value = chosen;
}

async function loadTimeline(params, gen) {
  const p = new URLSearchParams(params);
  p.set("interval", interval());
  p.set("by", "quad");
  const data = await api("/api/stats/timeseries", p);
  if (gen !== generation) return;
  Charts.timeline(document.getElementById("timeline"), data.series, {onPick: (period) => {
    const url = new URLSearchParams(location.search);
    const [since, until] = periodRange(period, interval());
    url.set("since", since);
    url.set("until", until);
    navigate(url);
  }});
}

function periodRange(start, unit) {
  const d = new Date(`${start}T00:00:00Z`);
  const end = new Date(d);
  if (unit === "day") { /* same day */ }
  else if (unit === "week") end.setUTCDate(end.getUTCDate() + 6);
  else if (unit === "year") { end.setUTCFullYear(end.getUTCFullYear() + 1); end.setUTCDate(end.getUTCDate() - 1); }
  else { end.setUTCMonth(end.getUTCMonth() + 1); end.setUTCDate(end.getUTCDate() - 1); }
  return [start, end.toISOString().slice(0, 10)];
}

async function loadMap(params, gen) {
  if (!topo) {
    try { topo = await (await fetch("/static/vendor/world-atlas/countries-110m.json")).json(); }
    catch (_) { topo = null; }
  }
  const data = await api("/api/places", params);
  if (gen !== generation) return;
  Charts.map(document.getElementById("map"), topo, data.places,
             {onPick: (place) => place.country && setFilter("country", place.country)});
}

async function loadNetwork(params, gen) {
  const p = new URLSearchParams(params);
  p.set("limit", "80");
  const data = await api("/api/network", p);
  if (gen !== generation) return;
  Charts.network(document.getElementById("network"), data, {onPick: (node) => setFilter("actor", node.id)});
}

async function loadTable(params, gen, append = false) {
  const p = new URLSearchParams(params);
  p.set("limit", "50");
  if (append && nextCursor) p.set("cursor", nextCursor);
  const data = await api("/api/events", p);
  if (gen !== generation) return;
  const body = document.querySelector("#events tbody");
  if (!append) body.replaceChildren();
  for (const e of data.events) body.appendChild(row(e));
  nextCursor = data.next_cursor;
  document.getElementById("more").hidden = !nextCursor;
  const n = body.children.length;
  document.getElementById("table-status").textContent = n ? `${n} shown${nextCursor ? ", more below" : ""}` :
    "No events match these filters.";
}

function row(e) {
  const tr = document.createElement("tr");
  tr.dataset.id = e.id;
  const type = document.createElement("td");
  type.append(quadTag(e));
  if (e.mode) type.append(text("span", e.mode, "mode"));
  const place = e.place_name ? `${e.place_name}${e.place_country ? " (" + e.place_country + ")" : ""}` : "—";
  tr.append(text("td", e.date || "undated"), type, td(who(e.actor_name, e.actor_code)),
            td(who(e.recipient_name, e.recipient_code)), text("td", place),
            text("td", e.goldstein === null ? "" : e.goldstein.toFixed(1), "num"),
            text("td", e.n_articles, "num"), text("td", e.n_outlets, "num"));
  tr.addEventListener("click", () => {
    const url = new URLSearchParams(location.search);
    url.set("event", e.id);
    history.pushState(null, "", `?${url}`);
    openEvent(e.id);
  });
  return tr;
}

function td(child) {
  const cell = document.createElement("td");
  cell.append(child);
  return cell;
}

// -- one event: its facts and the articles, evidence highlighted ------------------------------------------
const HL = [["trigger", "trigger"], ["actor", "actor"], ["recipient", "recipient"], ["date", "date"],
            ["place", "place"]];

function spansOf(mention) {
  const ev = mention.evidence || {};
  const out = [];
  if (ev.trigger) out.push({...ev.trigger, kind: "trigger"});
  for (const s of ev.actor || []) out.push({...s, kind: "actor"});
  for (const s of ev.recipient || []) out.push({...s, kind: "recipient"});
  if (ev.date) out.push({...ev.date, kind: "date"});
  if (ev.place) out.push({...ev.place, kind: "place"});
  return out.filter((s) => Number.isInteger(s.start) && s.end > s.start);
}

// The article text as nodes: each highlighted span in a <mark>; overlaps keep the earlier, longer span
function highlighted(body, spans, sentences) {
  const sorted = spans.slice().sort((a, b) => a.start - b.start || (b.end - b.start) - (a.end - a.start));
  const kept = [];
  let edge = 0;
  for (const s of sorted) if (s.start >= edge && s.end <= body.length) { kept.push(s); edge = s.end; }
  const frag = document.createElement("div");
  frag.className = "text";
  const inSentence = (i) => sentences.some((s) => i >= s.start && i < s.end);
  const plain = (from, to) => {
    // the coded sentences are tinted so the eye finds them in a long article
    let i = from;
    while (i < to) {
      const tinted = inSentence(i);
      let j = i + 1;
      while (j < to && inSentence(j) === tinted) j++;
      frag.append(tinted ? text("span", body.slice(i, j), "sentence") : body.slice(i, j));
      i = j;
    }
  };
  let at = 0;
  for (const s of kept) {
    plain(at, s.start);
    const mark = text("mark", body.slice(s.start, s.end), `hl-${s.kind}`);
    mark.dataset.kind = s.kind;
    mark.title = s.kind;
    frag.append(mark);
    at = s.end;
  }
  plain(at, body.length);
  return frag;
}

async function openEvent(id) {
  const panel = document.getElementById("detail");
  const body = document.getElementById("detail-body");
  document.querySelectorAll("#events tr.selected").forEach((tr) => tr.classList.remove("selected"));
  const tr = document.querySelector(`#events tr[data-id="${CSS.escape(id)}"]`);
  if (tr) tr.classList.add("selected");
  panel.hidden = false;
  body.replaceChildren(text("p", "Loading…"));
  let data;
  try { data = await api(`/api/events/${encodeURIComponent(id)}`); }
  catch (err) { body.replaceChildren(text("p", String(err.message))); return; }
  const e = data.event;
  document.getElementById("detail-title").replaceChildren(quadTag(e), " ", e.mode ? e.mode : "");
  const facts = document.createElement("dl");
  facts.className = "facts";
  const fact = (k, v) => { facts.append(text("dt", k)); const dd = text("dd"); dd.append(v); facts.append(dd); };
  fact("When", `${e.date || "undated"}${e.date_end ? " – " + e.date_end : ""} (${e.date_precision})`);
  fact("Actor", who(e.actor_name, e.actor_code));
  fact("Recipient", who(e.recipient_name, e.recipient_code));
  fact("Where", e.place_name ? `${e.place_name}${e.place_country ? " (" + e.place_country + ")" : ""}` : "—");
  fact("CAMEO · Goldstein", `${e.cameo || "—"} · ${e.goldstein === null ? "—" : e.goldstein}`);
  fact("Reported", `${e.n_mentions} mention(s) in ${e.n_articles} article(s) from ${e.n_outlets} outlet(s)`);
  const legend = document.createElement("div");
  legend.className = "hl-legend";
  for (const [kind, label] of HL) legend.append(text("mark", label, `hl-${kind}`));
  body.replaceChildren(facts, legend);
  for (const a of data.articles) {
    const mentions = data.mentions.filter((m) => m.article_id === a.id);
    const box = document.createElement("article");
    box.className = "article";
    box.dataset.article = a.id;
    box.append(text("h3", a.title || a.id));
    const meta = text("div", [a.outlet, a.date].filter(Boolean).join(" · "), "meta");
    if (a.url) {
      const link = text("a", "source");
      link.href = a.url;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      meta.append(" · ", link);
    }
    box.append(meta);
    const sentences = mentions.map((m) => (m.evidence || {}).sentence).filter(Boolean);
    box.append(a.text ? highlighted(a.text, mentions.flatMap(spansOf), sentences)
                      : text("p", "(no text stored for this article)"));
    body.append(box);
  }
}

function closeEvent() {
  document.getElementById("detail").hidden = true;
  const url = new URLSearchParams(location.search);
  if (url.has("event")) { url.delete("event"); history.pushState(null, "", url.toString() ? `?${url}` : "/"); }
}

function refresh() {
  const gen = ++generation;
  const params = currentParams();
  nextCursor = null;
  const fail = (err) => { document.getElementById("table-status").textContent = String(err.message); };
  loadTimeline(params, gen).catch(fail);
  loadMap(params, gen).catch(fail);
  loadNetwork(params, gen).catch(fail);
  loadTable(params, gen).catch(fail);
  const ev = new URLSearchParams(location.search).get("event");
  if (ev) openEvent(ev); else document.getElementById("detail").hidden = true;
}

form.addEventListener("submit", (event) => { event.preventDefault(); navigate(formToUrl(), {keepEvent: false}); });
document.getElementById("reset").addEventListener("click", () => navigate(new URLSearchParams()));
document.getElementById("more").addEventListener("click", () => loadTable(currentParams(), generation, true));
document.getElementById("close-detail").addEventListener("click", closeEvent);
document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeEvent(); });
window.addEventListener("popstate", () => { urlToForm(); refresh(); });

Charts.legend(document.getElementById("legend"));
urlToForm();
loadTotals().catch(() => {}).finally(refresh);
