// The scaleplan page: a form over the HTTP API, the answer as a card, a
// table and three d3 charts. Every number shown comes from the API's
// documents (the CLI's --json) and is formatted as the CLI prints it.
"use strict";

// ---- Formatting: the CLI's human formatter (cli/units.cpp), in JS ----

// The API's memory figures are GB of 1e9 bytes; datasheets, and so the page, read GiB.
function gib(gb) { return gb * 1e9 / 2 ** 30; }

// printf("%.3g")
function g3(v) {
  if (!isFinite(v)) return "n/a";
  if (v === 0) return "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(3)))));
  if (exp < -4 || exp >= 3) {
    const [m, e] = v.toExponential(2).split("e");
    const mant = m.replace(/\.?0+$/, "");
    const n = Math.abs(Number(e));
    return mant + "e" + (e[0] === "-" ? "-" : "+") + (n < 10 ? "0" : "") + n;
  }
  return v.toPrecision(3).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
}
function fixed3(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); }
function humanCount(v) {
  if (!isFinite(v)) return "n/a";
  if (Math.abs(v) >= 1e18) return g3(v);
  for (const [scale, suffix] of [[1e15, "P"], [1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "k"]]) {
    if (Math.abs(v) >= scale) return fixed3(v / scale) + suffix;
  }
  return g3(v);
}
function scaled(v, units) {
  let i = 0;
  while (i + 1 < units.length && Math.abs(v) >= 1000) { v /= 1000; ++i; }
  return fixed3(Math.abs(v)) .replace(/^/, v < 0 ? "-" : "") + " " + units[i];
}
function humanEnergy(kwh) { return Math.abs(kwh) < 1 ? g3(kwh * 1000) + " Wh" : scaled(kwh, ["kWh", "MWh", "GWh", "TWh"]); }
function humanCo2(kg) { return Math.abs(kg) < 1 ? g3(kg * 1000) + " g" : scaled(kg, ["kg", "t", "kt", "Mt"]); }
function humanDays(d) { return d * 1440 < 1 ? g3(d * 86400) + " seconds" : d * 24 < 1 ? g3(d * 1440) + " minutes" : d < 1 ? g3(d * 24) + " hours" : d >= 100 ? d.toFixed(0) + " days" : d.toFixed(1) + " days"; }

// ---- The API ----

async function api(path, body) {
  const init = body === undefined ? {} : {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const res = await fetch("/api/v1/" + path, init);
  const doc = await res.json();
  if (!res.ok) throw new Error(doc.error || ("HTTP " + res.status));
  return doc;
}

const $ = (id) => document.getElementById(id);
function setText(id, text) { $(id).textContent = text; }
function showError(id, message) {
  const box = $(id);
  box.textContent = message ? "Error: " + message : "";
  box.hidden = !message;
}
function download(name, doc) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2) + "\n"], {type: "application/json"}));
  const a = document.createElement("a");
  a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- The form and the URL: the inputs live in the query string ----

const planFields = ["goal", "goal_value", "law", "hardware", "region", "gpus", "deadline_days", "inference_tokens"];

function formState() {
  const f = $("plan-form");
  const s = {};
  for (const name of planFields) {
    const el = f.elements[name];
    if (name === "hardware") s.hardware = Array.from(el.selectedOptions).map((o) => o.value).join(",");
    else s[name] = el.value.trim();
  }
  return s;
}
function applyState(s) {
  const f = $("plan-form");
  for (const name of planFields) {
    if (!(name in s)) continue;
    const el = f.elements[name];
    if (name === "hardware") {
      const ids = new Set(s.hardware.split(","));
      for (const o of el.options) o.selected = ids.has(o.value);
    } else el.value = s[name];
  }
}
function planOptions(s) {
  const o = {[s.goal]: s.goal_value, law: s.law, hardware: s.hardware || "h100-sxm5-80gb"};
  for (const k of ["region", "gpus", "deadline_days", "inference_tokens"]) if (s[k]) o[k] = s[k];
  return o;
}

// ---- Plan ----

let lastPlan = null, lastRecipe = null, laws = {};

async function runPlan() {
  const s = formState();
  const shared = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== ""));
  history.replaceState(null, "", "?" + new URLSearchParams(shared).toString());
  showError("error", "");
  $("run").disabled = true;
  try {
    const plan = await api("plan", planOptions(s));
    lastPlan = plan;
    showPlan(plan);
    $("result").hidden = false;
    // The rest draws from further questions; a failure there leaves the plan shown.
    const all = await api("plan", Object.assign(planOptions(s), {hardware: "all"})).catch(() => null);
    drawIsoLoss(plan);
    drawHardware(plan, all);
    showRecipe(plan, s);
    drawFrontier(plan, s);
  } catch (e) {
    $("result").hidden = true;
    showError("error", e.message);
  } finally {
    $("run").disabled = false;
  }
}

function showPlan(p) {
  const t = p.training;
  setText("out-params", humanCount(p.params));
  setText("out-tokens", humanCount(p.tokens) + " (" + g3(p.tokens_per_param) + " tokens/param)");
  setText("out-loss", p.loss.toFixed(3) + " nats/token");
  setText("out-flops", g3(p.flops));
  setText("out-hardware", t.hardware_name + " × " + p.gpus + ", MFU " + t.mfu.toFixed(2));
  // The throughput model's ranges are an 80% interval; a flat MFU's are a band.
  const range = t.range.level ? Math.round(100 * t.range.level) + "% interval " : "range ";
  setText("out-gpu-hours", humanCount(p.gpu_hours) + " GPU-h, " + range + humanCount(t.range.gpu_hours[0]) + " – " + humanCount(t.range.gpu_hours[1]));
  setText("out-wall", humanDays(p.wall_days) + " on " + p.gpus + " accelerators");
  setText("out-energy", humanEnergy(p.energy_kwh) + ", " + range + humanEnergy(t.range.energy_kwh[0]) + " – " +
          humanEnergy(t.range.energy_kwh[1]) + " (" + t.accounting + " accounting, PUE " + t.pue + ")");
  setText("out-co2", humanCo2(p.co2_kg) + " total: " + humanCo2(p.co2_operational_kg) + " operational (" +
          t.grid_gco2_per_kwh + " g/kWh, " + t.grid + ") + " + humanCo2(p.co2_embodied_kg) + " embodied; " + range +
          humanCo2(t.range.co2_kg[0]) + " – " + humanCo2(t.range.co2_kg[1]));
  setText("out-tier", p.eps_tier + " (scope: " + t.eps_tier_scope + " CO2eq)");
  const badge = $("tier");
  badge.textContent = "EPS " + p.eps_tier;
  badge.className = "tier tier-" + p.eps_tier;
  setText("out-law", "law: " + p.law + " — " + p.law_citation + ". " + p.law_caveat);
  const body = $("recommendations").querySelector("tbody");
  body.textContent = "";
  for (const r of p.recommendations) {
    const tr = body.insertRow();
    // A memory measure has no footprint of its own: the run's is unchanged.
    const same = r.energy_kwh === undefined;
    const cells = same ? [r.title, "unchanged", "unchanged", p.eps_tier, r.why + (r.enables ? "; " + r.enables : "")]
                       : [r.title, humanEnergy(r.energy_kwh), humanCo2(r.co2_kg), r.eps_tier, r.why];
    for (const text of cells) tr.insertCell().textContent = text;
  }
}

async function showRecipe(p, s) {
  const dl = $("recipe");
  dl.textContent = "";
  lastRecipe = null;
  try {
    const r = await api("recipe", {params: p.params, tokens: p.tokens, hardware: p.hardware, gpus: p.gpus, law: s.law});
    lastRecipe = r;
    const L = r.layout, sh = r.shape;
    const rows = [
      ["shape", sh.layers + " layers, d_model " + sh.hidden + ", " + sh.heads + " heads (" + sh.kv_heads + " K/V), FFN " + sh.ffn],
      ["layout", "TP " + L.tensor_parallel + " × PP " + L.pipeline_parallel + " × DP " + L.data_parallel +
                 ", micro-batch " + L.micro_batch + ", " + g3(gib(L.memory_gb_per_gpu)) + " GiB per accelerator"],
      ["global batch", humanCount(r.global_batch.tokens) + " tokens (" + r.global_batch.sequences + " sequences)"],
      ["learning rate", "peak " + g3(r.learning_rate.peak) + ", " + r.learning_rate.schedule],
      ["steps", humanCount(r.steps)],
    ];
    for (const [k, v] of rows) {
      dl.appendChild(document.createElement("dt")).textContent = k;
      dl.appendChild(document.createElement("dd")).textContent = v;
    }
  } catch (e) {
    dl.appendChild(document.createElement("dd")).textContent = "no recipe: " + e.message;
  }
}

// ---- Charts (d3) ----

function frame(id, xLabel, yLabel) {
  const W = 640, H = 300, m = {top: 12, right: 20, bottom: 44, left: 84};
  const root = d3.select("#" + id);
  root.selectAll("*").remove();
  const svg = root.append("svg").attr("viewBox", "0 0 " + W + " " + H).attr("role", "img").attr("aria-label", yLabel + " against " + xLabel);
  const g = svg.append("g").attr("transform", "translate(" + m.left + "," + m.top + ")");
  const w = W - m.left - m.right, h = H - m.top - m.bottom;
  svg.append("text").attr("x", m.left + w / 2).attr("y", H - 6).attr("text-anchor", "middle").attr("font-size", 12).text(xLabel);
  svg.append("text").attr("transform", "translate(12," + (m.top + h / 2) + ") rotate(-90)").attr("text-anchor", "middle").attr("font-size", 12).text(yLabel);
  return {g, w, h};
}
// Ticks for a log scale: the powers of ten in its domain, with 2x and 5x
// when there are too few (d3 v3 labels every 1..9 x 10^k otherwise).
function logTicks(scale) {
  const [lo, hi] = d3.extent(scale.domain());
  const ticks = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); ++e) {
    for (const m of [1, 2, 5]) ticks.push({v: m * Math.pow(10, e), m});
  }
  const inside = ticks.filter((t) => t.v >= lo && t.v <= hi);
  const decades = inside.filter((t) => t.m === 1);
  const chosen = decades.length >= 3 ? decades : inside;
  const step = Math.ceil(chosen.length / 8);  // at most ~8 labels
  return chosen.filter((t, i) => i % step === 0).map((t) => t.v);
}
function axis(scale, orient, format) {
  const a = d3.svg.axis().scale(scale).orient(orient).tickFormat(format);
  return scale.base ? a.tickValues(logTicks(scale)) : a.ticks(6);
}
function axes(f, x, y, xFormat, yFormat) {
  f.g.append("g").attr("class", "axis").attr("transform", "translate(0," + f.h + ")").call(axis(x, "bottom", xFormat));
  f.g.append("g").attr("class", "axis").call(axis(y, "left", yFormat));
}
function point(f, x, y, color, label, below) {
  f.g.append("circle").attr("class", "point").attr("cx", x).attr("cy", y).attr("r", 5).attr("fill", color);
  f.g.append("text").attr("x", x + 8).attr("y", below ? y + 18 : y - 8).attr("font-size", 12).attr("fill", color).text(label);
}

// D(N) on the law's iso-loss curve: E + A/N^α + B/D^β = L (Chinchilla form).
function drawIsoLoss(p) {
  const law = laws[p.law];
  if (!law || law.form !== "chinchilla") {
    d3.select("#chart-isoloss").selectAll("*").remove();
    d3.select("#chart-isoloss").append("p").text("The curve is drawn for Chinchilla-form laws; " + p.law + " is " + (law ? law.form : "not a preset") + ".");
    return;
  }
  const {E, A, B, alpha, beta} = law.parameters;
  const L = p.loss;
  const nMin = Math.pow(A / (L - E), 1 / alpha) * 1.02;  // below it no token count reaches L
  const data = [];
  for (let i = 0; i <= 120; ++i) {
    const n = nMin * Math.pow(p.params * 30 / nMin, i / 120);
    const rest = L - E - A / Math.pow(n, alpha);
    const d = rest > 0 ? Math.pow(B / rest, 1 / beta) : Infinity;
    if (d <= p.tokens * 100) data.push({n, d});  // near the asymptote D runs away
  }
  const f = frame("chart-isoloss", "parameters N", "tokens D");
  const x = d3.scale.log().domain(d3.extent(data, (r) => r.n)).range([0, f.w]);
  const y = d3.scale.log().domain(d3.extent(data, (r) => r.d)).range([f.h, 0]).clamp(true);
  axes(f, x, y, humanCount, humanCount);
  f.g.append("path").datum(data).attr("class", "curve").attr("d", d3.svg.line().x((r) => x(r.n)).y((r) => y(r.d)));
  point(f, x(p.chinchilla_optimal.params), y(p.chinchilla_optimal.tokens), "#a86b00", "Chinchilla-optimal", true);
  point(f, x(p.params), y(p.tokens), "#b00020", "plan: " + humanCount(p.params) + " / " + humanCount(p.tokens));
}

function drawHardware(p, all) {
  const rows = all ? all.alternatives.concat([{hardware: all.hardware, energy_kwh: all.energy_kwh, co2_kg: all.co2_kg}]) : [];
  rows.sort((a, b) => a.energy_kwh - b.energy_kwh);
  if (!rows.some((r) => r.hardware === p.hardware)) rows.push({hardware: p.hardware, energy_kwh: p.energy_kwh, co2_kg: p.co2_kg});
  const f = frame("chart-hardware", "", "");
  const y = d3.scale.ordinal().domain(rows.map((r) => r.hardware)).rangeRoundBands([0, f.h], 0.15);
  const maxKwh = d3.max(rows, (r) => r.energy_kwh), maxKg = d3.max(rows, (r) => r.co2_kg);
  const half = f.w / 2 - 30;
  const xe = d3.scale.linear().domain([0, maxKwh]).range([0, half - 60]);
  const xc = d3.scale.linear().domain([0, maxKg]).range([0, half - 60]);
  f.g.attr("transform", "translate(110,12)");
  f.g.append("g").attr("class", "axis").call(d3.svg.axis().scale(y).orient("left"));
  const bars = f.g.selectAll(".row").data(rows).enter().append("g").attr("transform", (r) => "translate(0," + y(r.hardware) + ")");
  bars.append("rect").attr("class", "bar energy").attr("width", (r) => xe(r.energy_kwh)).attr("height", y.rangeBand())
    .attr("fill", (r) => r.hardware === p.hardware ? "#1b4f8a" : "#8fb0d6");
  bars.append("text").attr("x", (r) => xe(r.energy_kwh) + 4).attr("y", y.rangeBand() - 2).attr("font-size", 10).text((r) => humanEnergy(r.energy_kwh));
  const co2 = bars.append("g").attr("transform", "translate(" + half + ",0)");
  co2.append("rect").attr("class", "bar co2").attr("width", (r) => xc(r.co2_kg)).attr("height", y.rangeBand())
    .attr("fill", (r) => r.hardware === p.hardware ? "#6b4a2b" : "#c9a98a");
  // The chosen accelerator's CO2eq: the embodied share drawn over the total.
  const embodiedShare = p.co2_embodied_kg / p.co2_kg;
  co2.filter((r) => r.hardware === p.hardware).append("rect").attr("class", "bar embodied")
    .attr("x", (r) => xc(r.co2_kg * (1 - embodiedShare))).attr("width", (r) => xc(r.co2_kg * embodiedShare))
    .attr("height", y.rangeBand()).attr("fill", "#e0a000");
  co2.append("text").attr("x", (r) => xc(r.co2_kg) + 4).attr("y", y.rangeBand() - 2).attr("font-size", 10).text((r) => humanCo2(r.co2_kg));
  f.g.append("text").attr("x", 0).attr("y", -2).attr("font-size", 11).text("energy");
  f.g.append("text").attr("x", half).attr("y", -2).attr("font-size", 11).text("CO2eq (yellow: embodied, chosen one)");
}

// The least energy for a range of target losses: one plan per point.
async function drawFrontier(p, s) {
  const f0 = d3.select("#chart-frontier");
  const base = planOptions(s);
  for (const k of ["target_params", "target_loss", "budget_kwh", "budget_co2_kg", "budget_flops"]) delete base[k];
  const losses = d3.range(9).map((i) => p.loss + (i - 4) * 0.03);
  const points = (await Promise.all(losses.map((L) =>
    api("plan", Object.assign({}, base, {target_loss: L, hardware: p.hardware})).catch(() => null)))).filter((r) => r);
  if (points.length < 2) { f0.selectAll("*").remove(); f0.append("p").text("No frontier: the neighbouring losses could not be planned."); return; }
  const f = frame("chart-frontier", "target loss (nats/token)", "energy (kWh, log)");
  const x = d3.scale.linear().domain(d3.extent(points, (r) => r.target_loss)).range([0, f.w]);
  const lo = Math.min(0.01, d3.min(points, (r) => r.energy_kwh) / 2), hi = Math.max(1e4, d3.max(points, (r) => r.energy_kwh) * 2);
  const y = d3.scale.log().domain([lo, hi]).range([f.h, 0]);
  f.g.append("rect").attr("class", "band-high").attr("x", 0).attr("width", f.w).attr("y", 0).attr("height", y(1500));
  f.g.append("rect").attr("class", "band-low").attr("x", 0).attr("width", f.w).attr("y", y(0.1)).attr("height", f.h - y(0.1));
  f.g.append("text").attr("x", f.w - 4).attr("y", 14).attr("text-anchor", "end").attr("font-size", 11).text("EPS High > 1,500 kWh");
  axes(f, x, y, (v) => v.toFixed(2), humanEnergy);
  f.g.append("path").datum(points).attr("class", "curve").attr("d", d3.svg.line().x((r) => x(r.target_loss)).y((r) => y(r.energy_kwh)));
  f.g.selectAll(".frontier").data(points).enter().append("circle").attr("class", "frontier point").attr("r", 3)
    .attr("cx", (r) => x(r.target_loss)).attr("cy", (r) => y(r.energy_kwh)).attr("fill", "#1b4f8a");
  point(f, x(p.loss), y(p.energy_kwh), "#b00020", "plan");
}

// ---- Fine-tuning ----

async function runFinetune() {
  showError("ft-error", "");
  const f = $("finetune-form");
  try {
    const doc = await api("finetune", {model: f.elements.model.value, tokens: f.elements.tokens.value.trim(), hardware: f.elements.hardware.value});
    const body = $("ft-table").querySelector("tbody");
    body.textContent = "";
    for (const m of doc.methods) {
      const cells = m.fits
        ? [m.method, "yes", String(m.gpus), m.configuration.layout, g3(gib(m.memory_gb_per_gpu)) + " GiB", humanDays(m.wall_days), humanCount(m.gpu_hours) + " GPU-h", humanEnergy(m.energy_kwh), humanCo2(m.co2_kg), m.eps_tier]
        : [m.method, "no", "", m.why_not, "", "", "", "", "", ""];
      const tr = body.insertRow();
      for (const c of cells) tr.insertCell().textContent = c;
    }
    $("ft-table").hidden = false;
  } catch (e) {
    $("ft-table").hidden = true;
    showError("ft-error", e.message);
  }
}

// ---- Start ----

function selectTab(name) {
  for (const t of ["plan", "finetune"]) {
    $("tab-" + t).setAttribute("aria-selected", String(t === name));
    $("panel-" + t).hidden = t !== name;
  }
}

let regionTimer = null;
function searchRegions() {
  clearTimeout(regionTimer);
  const text = $("region").value.trim();
  if (text.length < 2) return;
  regionTimer = setTimeout(async () => {
    const doc = await api("regions?search=" + encodeURIComponent(text)).catch(() => ({regions: []}));
    const list = $("region-list");
    list.textContent = "";
    for (const r of doc.regions.slice(0, 30)) {
      const o = document.createElement("option");
      o.value = r.id; o.label = r.name + " — " + r.gco2_per_kwh + " g/kWh (" + r.year + ")";
      list.appendChild(o);
    }
  }, 200);
}

async function start() {
  const [lawDoc, hw, models] = await Promise.all([api("laws"), api("hardware"), api("models")]);
  for (const law of lawDoc.laws) {
    laws[law.name] = law;
    $("law").add(new Option(law.name + (law.name === lawDoc.default ? " (default)" : ""), law.name, false, law.name === lawDoc.default));
  }
  for (const a of hw.accelerators) {
    $("hardware").add(new Option(a.name + " (" + a.id + ")", a.id, false, a.id === "h100-sxm5-80gb"));
    $("ft-hardware").add(new Option(a.name, a.id, false, a.id === "a100-sxm4-80gb"));
  }
  for (const m of models.models) $("ft-model").add(new Option(m.name, m.id, false, m.id === "llama-2-7b"));
  $("plan-form").addEventListener("submit", (e) => { e.preventDefault(); runPlan(); });
  $("finetune-form").addEventListener("submit", (e) => { e.preventDefault(); runFinetune(); });
  $("region").addEventListener("input", searchRegions);
  $("download-plan").addEventListener("click", () => lastPlan && download("plan.json", lastPlan));
  $("download-recipe").addEventListener("click", () => lastRecipe && download("recipe.json", lastRecipe));
  $("copy-link").addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(location.href));
  $("tab-plan").addEventListener("click", () => selectTab("plan"));
  $("tab-finetune").addEventListener("click", () => selectTab("finetune"));
  const query = new URLSearchParams(location.search);
  if (query.has("goal")) {
    applyState(Object.fromEntries(query.entries()));
    runPlan();
  }
  document.body.dataset.ready = "true";
}

start().catch((e) => showError("error", "the page could not load its lists: " + e.message));
