// frontline dashboard: review queue, overview, ticket detail. No dependencies; every
// value from the API goes into the page as text, never as HTML.
"use strict";

const state = { items: [], selected: 0, reveal: false };
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

async function api(method, path, body) {
  const key = sessionStorage.getItem("frontline-key");
  const res = await fetch(path, {
    method,
    headers: { "Authorization": "Bearer " + key, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    if (res.status === 401) logout("Your key was refused: " + (data.error ? data.error.message : res.status));
    throw new Error(data.error ? data.error.message : "HTTP " + res.status);
  }
  return data;
}

// ---- login ------------------------------------------------------------------------------

async function login(key) {
  sessionStorage.setItem("frontline-key", key);
  try {
    await api("GET", "/v1/decisions?limit=1");
  } catch (e) {
    sessionStorage.removeItem("frontline-key");
    $("login-error").textContent = e.message;
    return;
  }
  $("nav").hidden = false;
  route();
}

function logout(message) {
  sessionStorage.removeItem("frontline-key");
  $("nav").hidden = true;
  show("login");
  $("login-error").textContent = message || "";
}

function show(view) {
  for (const v of document.querySelectorAll(".view")) v.hidden = v.id !== view + "-view";
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.view === view);
}

function route() {
  if (!sessionStorage.getItem("frontline-key")) return logout();
  const [view, arg] = location.hash.slice(1).split("/");
  if (view === "overview") return overview();
  if (view === "ticket" && arg) return ticket(decodeURIComponent(arg));
  return review();
}

// ---- review queue -----------------------------------------------------------------------

async function review() {
  show("review");
  let data;
  try {
    data = await api("GET", "/v1/review?limit=200" + (state.reveal ? "&reveal=1" : ""));
  } catch (e) {
    $("item").replaceChildren(el("p", { class: "error" }, e.message));
    return;
  }
  state.items = data.items;
  state.selected = Math.min(state.selected, Math.max(0, state.items.length - 1));
  renderQueue();
}

function renderQueue() {
  $("queue-count").textContent = state.items.length >= 200 ? "200+" : state.items.length || "";
  const list = state.items.map((it, i) =>
    el("li", { class: i === state.selected ? "selected" : "", "data-id": it.id, onclick: () => select(i) },
       el("div", {}, it.ticket + " · " + it.field),
       el("div", { class: "meta" }, it.reason)));
  $("queue").replaceChildren(...list);
  renderItem();
}

function select(i) {
  if (i < 0 || i >= state.items.length) return;
  state.selected = i;
  renderQueue();
}

function renderItem() {
  const it = state.items[state.selected];
  if (!it) {
    $("item").replaceChildren(el("p", { class: "done" }, "The queue is empty."));
    return;
  }
  const labels = el("div", { class: "labels" });
  it.candidates.forEach((label, i) => {
    labels.append(el("button", {
      type: "button", class: label === it.provisional ? "provisional" : "", "data-label": label,
      onclick: () => resolve(it, label),
    }, el("span", { class: "n" }, i + 1), label,
       it.probs && label in it.probs ? el("span", { class: "p" }, " " + it.probs[label].toFixed(2)) : ""));
  });
  const evidence = (title, hits) => hits && hits.length
    ? el("div", { class: "evidence" }, el("h3", {}, title),
         el("ul", {}, ...hits.map((h) => el("li", {}, el("strong", {}, h.title || h.doc), " — " + h.snippet,
                                            h.resolution ? el("div", { class: "meta" }, "Resolution: " + h.resolution) : ""))))
    : "";
  const others = el("div", { class: "labels others" });
  for (const label of it.labels || []) {
    if (it.candidates.includes(label)) continue;
    others.append(el("button", { type: "button", "data-label": label, onclick: () => resolve(it, label) }, label));
  }
  $("item").replaceChildren(
    el("h2", {}, "Ticket ", el("a", { href: "#ticket/" + encodeURIComponent(it.ticket) }, it.ticket), " — " + it.field),
    el("p", { class: "meta" }, "Why a person: " + it.reason + (it.redacted ? " · text redacted" : " · text revealed")),
    el("pre", {}, it.text),
    el("p", {}, "The specialist suggests ", el("strong", {}, it.provisional || "—"), ". Pick the right label:"),
    labels,
    el("div", {},
       el("button", { type: "button", class: "primary", onclick: () => it.provisional && resolve(it, it.provisional) },
          "Accept " + (it.provisional || ""))),
    others.childElementCount ? el("p", { class: "meta" }, "Other labels of this field:") : "",
    others,
    evidence("Runbooks", it.kb),
    evidence("Similar resolved tickets", it.similar),
    el("p", { id: "item-status", role: "status" }));
}

async function resolve(it, label) {
  const accept = label === it.provisional;
  try {
    const r = await api("POST", "/v1/review/" + it.id + (accept ? "/accept" : "/correct"), accept ? undefined : { label });
    $("item-status").textContent = (r.state === "accepted" ? "Accepted " : "Corrected to ") + r.label;
    state.items.splice(state.items.indexOf(it), 1);
    setTimeout(renderQueue, 400);
  } catch (e) {
    $("item-status").textContent = e.message;
    $("item-status").className = "error";
  }
}

document.addEventListener("keydown", (e) => {
  if ($("review-view").hidden || e.target.tagName === "INPUT") return;
  const it = state.items[state.selected];
  if (e.key === "j") select(state.selected + 1);
  else if (e.key === "k") select(state.selected - 1);
  else if (e.key === "a" && it && it.provisional) resolve(it, it.provisional);
  else if (e.key === "r") { state.reveal = !state.reveal; review(); }
  else if (/^[1-9]$/.test(e.key) && it && it.candidates[+e.key - 1]) resolve(it, it.candidates[+e.key - 1]);
});

// ---- overview ---------------------------------------------------------------------------

function percentile(values, p) {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

async function overview() {
  show("overview");
  const [dec, open, accepted, corrected] = await Promise.all([
    api("GET", "/v1/decisions?limit=1000"),
    api("GET", "/v1/review?state=open&limit=1000").catch(() => ({ items: [] })),
    api("GET", "/v1/review?state=accepted&limit=1000").catch(() => ({ items: [] })),
    api("GET", "/v1/review?state=corrected&limit=1000").catch(() => ({ items: [] })),
  ]);
  const ds = dec.decisions;
  const automated = ds.filter((d) => d.tier !== "human").length;
  const spend = ds.reduce((s, d) => s + d.cost, 0);
  const llm = ds.filter((d) => d.tier === "llm");
  const perCall = llm.length ? llm.reduce((s, d) => s + d.cost, 0) / llm.length : 0;
  const reviewed = accepted.items.length + corrected.items.length;
  const lat = ds.map((d) => d.latency_ms);
  const card = (k, v) => el("div", { class: "card" }, el("div", { class: "v" }, v), el("div", { class: "k" }, k));
  $("cards").replaceChildren(
    card("decisions (latest " + ds.length + ")", ds.length),
    card("automation rate", ds.length ? (100 * automated / ds.length).toFixed(1) + " %" : "—"),
    card("review queue", open.items.length >= 1000 ? "1000+" : open.items.length),
    card("suggestion right on reviewed items", reviewed ? (100 * accepted.items.length / reviewed).toFixed(1) + " %" : "—"),
    card("LLM spend", spend.toFixed(4)),
    card("all-LLM baseline (est.)", perCall ? (perCall * ds.length).toFixed(4) : "—"),
    card("model latency p50 / p99 (ms)", percentile(lat, 0.5).toFixed(2) + " / " + percentile(lat, 0.99).toFixed(2)));
  drawTierChart(ds);
  drawTimeChart(ds);
}

const TIERS = { rule: "#7a5af8", slm: "#1f8a4c", llm: "#2459d6", human: "#b54708" };
const NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function drawTierChart(ds) {
  const fields = [...new Set(ds.map((d) => d.field))].sort();
  const W = 640, row = 28, H = fields.length * row + 40;
  const s = svg("svg", { width: W, height: H, role: "img", "aria-label": "decisions by tier per field" });
  fields.forEach((f, i) => {
    const mine = ds.filter((d) => d.field === f);
    let x = 120;
    s.append(svg("text", { x: 0, y: i * row + 18 }, f));
    for (const [tier, color] of Object.entries(TIERS)) {
      const n = mine.filter((d) => d.tier === tier).length;
      const w = mine.length ? (n / mine.length) * (W - 140) : 0;
      if (w > 0) s.append(svg("rect", { x, y: i * row + 4, width: w, height: 20, fill: color }, tier + ": " + n));
      x += w;
    }
  });
  let lx = 120;
  for (const [tier, color] of Object.entries(TIERS)) {
    s.append(svg("rect", { x: lx, y: H - 14, width: 10, height: 10, fill: color }));
    s.append(svg("text", { x: lx + 14, y: H - 5 }, tier));
    lx += 80;
  }
  $("tier-chart").replaceChildren(s);
}

// Automation rate per field and hour: one bar per field in each hour's group.
function drawTimeChart(ds) {
  const fields = [...new Set(ds.map((d) => d.field))].sort();
  const colors = ["#1f8a4c", "#2459d6", "#7a5af8", "#b54708", "#0e7490", "#a21caf"];
  const byHour = new Map();
  for (const d of ds) {
    const h = d.decided_at.slice(0, 13);
    if (!byHour.has(h)) byHour.set(h, new Map());
    const b = byHour.get(h).get(d.field) || { n: 0, auto: 0 };
    b.n++;
    if (d.tier !== "human") b.auto++;
    byHour.get(h).set(d.field, b);
  }
  const hours = [...byHour.keys()].sort();
  const bar = 16, group = fields.length * bar + 16, H = 180;
  const W = Math.max(320, 50 + hours.length * group + 160);
  const s = svg("svg", { width: W, height: H, role: "img", "aria-label": "automation rate per field per hour" });
  hours.forEach((h, i) => {
    fields.forEach((f, k) => {
      const b = byHour.get(h).get(f);
      if (!b) return;
      const rate = b.auto / b.n, bh = rate * (H - 40);
      s.append(svg("rect", { x: 45 + i * group + k * bar, y: H - 20 - bh, width: bar - 3, height: bh, fill: colors[k % colors.length] },
                   f + " " + h.slice(11) + "h: " + (100 * rate).toFixed(0) + " % of " + b.n));
    });
    s.append(svg("text", { x: 45 + i * group, y: H - 5 }, h.slice(5, 10) + " " + h.slice(11) + "h"));
  });
  fields.forEach((f, k) => {
    s.append(svg("rect", { x: W - 140, y: 10 + k * 16, width: 10, height: 10, fill: colors[k % colors.length] }));
    s.append(svg("text", { x: W - 125, y: 19 + k * 16 }, f));
  });
  s.append(svg("text", { x: 0, y: 24 }, "100 %"));
  s.append(svg("text", { x: 0, y: H - 20 }, "0 %"));
  $("time-chart").replaceChildren(s);
}

// ---- ticket detail ----------------------------------------------------------------------

async function ticket(id) {
  show("ticket");
  let t;
  try {
    t = await api("GET", "/v1/tickets/" + encodeURIComponent(id));
  } catch (e) {
    $("ticket").replaceChildren(el("p", { class: "error" }, e.message));
    return;
  }
  const rows = Object.entries(t.decisions).map(([field, d]) =>
    el("tr", {}, el("td", {}, field), el("td", {}, d.value), el("td", {}, d.tier),
       el("td", {}, d.confidence.toFixed(3)), el("td", {}, d.threshold > 1 ? "—" : d.threshold.toFixed(3)),
       el("td", {}, (d.set || []).join(", ")), el("td", {}, d.decided_at)));
  const esc = (t.escalations || []).map((e) => el("li", {}, e.field + ": " + e.backend + " — " + e.status + " (" + e.attempts + " attempts)"));
  const redactions = (t.redactions || []).map((r) => r.placeholder + " (" + r.type + ")").join(", ");
  $("ticket").replaceChildren(
    el("h2", {}, "Ticket " + t.id),
    el("pre", {}, t.text || ""),
    el("p", { class: "meta" }, "Redactions applied: " + (redactions || "none")),
    el("table", {}, el("tr", {}, ...["field", "value", "tier", "confidence", "threshold", "evidence", "decided"].map((h) => el("th", {}, h))), ...rows),
    el("h3", {}, "Escalations"), esc.length ? el("ul", {}, ...esc) : el("p", {}, "none"),
    el("p", {}, el("a", { href: "#review" }, "← back to the queue")));
}

// ---- start ------------------------------------------------------------------------------

$("login-form").addEventListener("submit", (e) => { e.preventDefault(); login($("key").value.trim()); });
$("logout").addEventListener("click", () => logout());
window.addEventListener("hashchange", route);
if (sessionStorage.getItem("frontline-key")) { $("nav").hidden = false; route(); } else { logout(); }
