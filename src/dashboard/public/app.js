// The dashboard page: fetches the figures (already protected on the server: hidden counts never
// arrive here) and draws each one with Apache ECharts, loaded from this server.
/* global echarts */
"use strict";

const $ = (selector) => document.querySelector(selector);
const el = (tag, attrs = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") node.textContent = value;
    else if (value !== undefined && value !== null) node.setAttribute(name, value);
  }
  for (const child of [].concat(children)) if (child) node.append(child);
  return node;
};
const charts = [];
/** Figure charts redraw their layout (label width, axis ticks) when the window's width changes. */
const figureCharts = [];
const COLORS = ["#1f5fa8", "#d9822b", "#3f9e6e", "#8c6bb1", "#999999"];

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function csvOf(figure) {
  const quote = (v) => (/[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const header = ["answer"];
  for (const column of figure.columns) header.push(`${column.label} (n)`, `${column.label} (%)`);
  const lines = [header];
  figure.categories.forEach((category, r) => {
    const line = [category.label];
    figure.rows[r].forEach((cell) => line.push(cell.text, cell.share ?? ""));
    lines.push(line);
  });
  const bases = ["base"];
  figure.columnBases.forEach((b) => bases.push(b, ""));
  lines.push(bases);
  lines.push([figure.baseText]);
  if (figure.note) lines.push([figure.note]);
  return "\ufeff" + lines.map((l) => l.map(quote).join(",")).join("\r\n") + "\r\n";
}

async function pngOf(chart, width, height) {
  const svg = chart.renderToSVGString();
  const image = new Image();
  const loaded = new Promise((resolve, reject) => ((image.onload = resolve), (image.onerror = reject)));
  image.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  await loaded;
  const scale = 2;
  const canvas = el("canvas", { width: width * scale, height: height * scale });
  const context = canvas.getContext("2d");
  context.fillStyle = "#ffffff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(image.src);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
}

function chartOption(figure, width) {
  const narrow = width < 480;
  // Columns with nobody in them (e.g. no one declined to give their sex) are left out of the chart.
  const columns = figure.columns.map((column, c) => ({ column, c })).filter(({ c }) => figure.columnBases[c] !== "0");
  const labels = figure.categories.map((category) => category.label);
  return {
    animation: false,
    color: COLORS,
    aria: { enabled: true },
    title: { text: figure.title.length > 90 ? `${figure.title.slice(0, 88)}…` : figure.title, subtext: figure.baseText + (figure.note ? `\n${figure.note}` : ""), textStyle: { fontSize: 13, width: 520, overflow: "break" }, subtextStyle: { width: 520, overflow: "break" }, left: 0, show: false },
    legend: { top: 0, left: 0, type: "scroll" },
    grid: { left: 8, right: 48, top: 30, bottom: 8, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", max: figure.kind === "multi" ? null : 100, splitNumber: narrow ? 2 : 5, axisLabel: { formatter: "{value}%", hideOverlap: true } },
    yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: narrow ? 110 : 170, overflow: "truncate" } },
    series: columns.map(({ column, c }) => ({
      name: `${column.label} (n=${figure.columnBases[c]})`,
      type: "bar",
      barMaxWidth: 14,
      data: figure.rows.map((row) =>
        row[c].share === null
          ? { value: 0, label: { show: row[c].text !== "0", position: "right", formatter: row[c].text } }
          : { value: row[c].share, label: { show: true, position: "right", formatter: `${Math.round(row[c].share)}%`, fontSize: 10 } },
      ),
    })),
  };
}

function tableOf(figure) {
  const head = el("tr", {}, [el("th", { text: "Answer" }), ...figure.columns.flatMap((column) => [el("th", { text: `${column.label} n` }), el("th", { text: "%" })])]);
  const body = figure.categories.map((category, r) =>
    el("tr", { "data-code": category.code }, [
      el("td", { text: category.label }),
      ...figure.rows[r].flatMap((cell, c) => [
        el("td", { "data-cell": `${r},${c}`, text: cell.text }),
        el("td", { "data-share": `${r},${c}`, text: cell.share === null ? "–" : cell.share.toFixed(1) }),
      ]),
    ]),
  );
  const bases = el("tr", { class: "bases" }, [el("td", { text: "Base" }), ...figure.columnBases.flatMap((b, c) => [el("td", { "data-column-base": String(c), text: b }), el("td", { text: "" })])]);
  return el("div", { class: "table-wrap" }, el("table", {}, [el("thead", {}, head), el("tbody", {}, [...body, bases])]));
}

function figureCard(figure) {
  const chartBox = el("div", { class: "chart", role: "img", "aria-label": `${figure.title}. ${figure.baseText}` });
  const visibleColumns = figure.columnBases.filter((b) => b !== "0").length;
  chartBox.style.height = `${Math.max(200, 60 + figure.categories.length * (10 + 12 * visibleColumns))}px`;
  const svgButton = el("button", { type: "button", "data-download": "svg", text: "Chart as SVG" });
  const pngButton = el("button", { type: "button", "data-download": "png", text: "Chart as PNG" });
  const csvButton = el("button", { type: "button", "data-download": "csv", text: "Table as CSV" });
  const card = el("article", { class: "card", id: `figure-${figure.id}`, "data-figure": figure.id, "data-kind": figure.kind }, [
    el("h3", { text: figure.title }),
    el("p", { class: "muted small", text: `${figure.id} · module ${figure.module}` }),
    el("p", { class: "base", "data-base": figure.base.text, text: figure.baseText }),
    figure.note ? el("p", { class: "note", text: figure.note }) : null,
    chartBox,
    el("div", { class: "downloads" }, [svgButton, pngButton, csvButton]),
    el("details", {}, [el("summary", { text: "Table" }), tableOf(figure)]),
  ]);
  let chart;
  const draw = () => {
    if (chart) return chart;
    chart = echarts.init(chartBox, null, { renderer: "svg" });
    chart.setOption(chartOption(figure, chartBox.clientWidth));
    charts.push(chart);
    figureCharts.push({ chart, figure, box: chartBox });
    return chart;
  };
  // Charts are drawn when they come near the screen: a study has dozens of them.
  new IntersectionObserver((entries, observer) => {
    if (entries.some((e) => e.isIntersecting)) (draw(), observer.disconnect());
  }, { rootMargin: "400px" }).observe(chartBox);
  svgButton.addEventListener("click", () => download(`${figure.id}.svg`, new Blob([draw().renderToSVGString()], { type: "image/svg+xml" })));
  pngButton.addEventListener("click", async () => download(`${figure.id}.png`, await pngOf(draw(), chartBox.clientWidth, chartBox.clientHeight)));
  csvButton.addEventListener("click", () => download(`${figure.id}.csv`, new Blob([csvOf(figure)], { type: "text/csv" })));
  return card;
}

function simpleTable(headers, rows, attrs = {}) {
  return el("div", { class: "table-wrap" }, el("table", attrs, [el("thead", {}, el("tr", {}, headers.map((h) => el("th", { text: h })))), el("tbody", {}, rows.map((r) => el("tr", {}, r.map((v) => el("td", { text: String(v) })))))]));
}

function fieldworkSection(data) {
  const f = data.fieldwork;
  const box = $("#fieldwork-body");
  box.replaceChildren();
  const totalTarget = f.cities.reduce((s, c) => s + (c.target ?? 0), 0);
  box.append(
    el("div", { class: "kpis" }, [
      el("div", { class: "kpi" }, [el("b", { "data-kpi": "completed", text: data.sample.text }), "completed interviews"]),
      el("div", { class: "kpi" }, [el("b", { "data-kpi": "median-minutes", text: f.duration.medianMinutes === null ? "–" : f.duration.medianMinutes === 0 ? "under 1 min" : `${f.duration.medianMinutes} min` }), `median time (${f.duration.measured} timed)`]),
      el("div", { class: "kpi" }, [el("b", { text: totalTarget ? `${data.sample.value ?? 0} / ${totalTarget}` : "no target" }), "against targets"]),
    ]),
  );
  const grid = el("div", { class: "fieldwork-grid" });
  box.append(grid);

  const cityCards = f.cities.map((city) => {
    const input = el("input", { type: "number", min: "0", step: "1", value: city.target ?? "", "aria-label": `Target for ${city.label}` });
    const button = el("button", { type: "button", text: "Set target" });
    button.addEventListener("click", async () => {
      await fetch("/dashboard/targets", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ city: city.code, target: Number(input.value || 0) }) });
      load();
    });
    return el("div", { "data-city": city.code }, [
      el("div", { text: `${city.label}: ${city.completed} completed${city.target ? ` of ${city.target} (${city.percentOfTarget}%)` : ""}` }),
      el("div", { class: "bar" }, el("span", { style: `width:${Math.min(100, city.percentOfTarget ?? 0)}%` })),
      el("div", { class: "target" }, [input, button]),
    ]);
  });
  grid.append(el("div", { class: "card" }, [el("h3", { text: "Cities against targets" }), ...cityCards]));

  const cityCodes = data.cities.map((c) => c.code).filter((code) => f.days.some((d) => d.completed[code]));
  const perDay = el("div", { class: "chart", style: "height:260px" });
  grid.append(el("div", { class: "card" }, [el("h3", { text: "Interviews per day" }), el("p", { class: "muted small", text: "Started and agreed are counted before the city is asked, so they are not split by city." }), perDay,
    el("details", {}, [el("summary", { text: "Table" }), simpleTable(["Day", "Started", "Agreed", ...cityCodes.map((c) => data.cities.find((x) => x.code === c).label), "Completed"], f.days.map((d) => [d.day, d.started, d.consented, ...cityCodes.map((c) => d.completed[c] ?? 0), d.completedTotal]), { "data-table": "days" })])]));
  requestAnimationFrame(() => {
    const chart = echarts.init(perDay, null, { renderer: "svg" });
    charts.push(chart);
    chart.setOption({
      animation: false, color: COLORS, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" }, grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: f.days.map((d) => d.day) }, yAxis: { type: "value" },
      series: [
        { name: "Started", type: "line", data: f.days.map((d) => d.started) },
        { name: "Agreed", type: "line", data: f.days.map((d) => d.consented) },
        ...cityCodes.map((code) => ({ name: data.cities.find((x) => x.code === code).label, type: "bar", stack: "completed", data: f.days.map((d) => d.completed[code] ?? 0) })),
      ],
    });
  });

  grid.append(el("div", { class: "card" }, [el("h3", { text: "Where people stop" }), el("p", { class: "muted small", text: `People whose last answer led to this question and who have not answered it (study version ${data.study.version}).` }),
    f.stops.length ? simpleTable(["Question", "People"], f.stops.slice(0, 15).map((s) => [`${s.q}: ${s.label.slice(0, 80)}`, s.count]), { "data-table": "stops" }) : el("p", { text: "Nobody is stopped at a question." })]));
  grid.append(el("div", { class: "card" }, [el("h3", { text: "Integrity flags" }), el("p", { class: "muted small", text: f.flaggedNote }),
    simpleTable(["Flag", "Interviews", "%"], f.flags.map((x) => [x.flag.replace(/_/g, " "), x.text, x.share === null ? "–" : x.share.toFixed(1)]), { "data-table": "flags" })]));
  grid.append(el("div", { class: "card" }, [el("h3", { text: "Invite links by source" }), el("p", { class: "muted small", text: "Started, agreed and eligible count every city and day; completed follows the filter." }),
    simpleTable(["Source", "Started", "Agreed", "Eligible", "Completed"], f.sources.map((s) => [s.source, s.started, s.consented, s.eligible, s.completed]), { "data-table": "sources" })]));
}

async function load() {
  const form = new FormData($("#filters"));
  const query = new URLSearchParams([...form].filter(([, v]) => v));
  $("#status").dataset.state = "loading";
  $("#status").textContent = "Loading…";
  const response = await fetch(`/dashboard/data?${query}`);
  if (!response.ok) {
    $("#status").dataset.state = "failed";
    $("#status").textContent = response.status === 401 ? "Your session has ended. Send /dashboard to the bot for a new link." : "The figures could not be loaded.";
    return;
  }
  const data = await response.json();
  for (const chart of charts.splice(0)) chart.dispose();
  figureCharts.splice(0);
  $("#title").textContent = data.study.title;
  $("#subtitle").textContent = `${data.study.id}, version ${data.study.version} · ${data.sample.text} completed interviews${data.filter.city ? ` in ${data.cities.find((c) => c.code === data.filter.city)?.label}` : ""}${data.filter.from || data.filter.to ? `, ${data.filter.from ?? "…"} to ${data.filter.to ?? "…"}` : ""}`;
  $("#legend").textContent = `Counts from 1 to ${data.k - 1} show as "<${data.k}"; "x" hides a count that would let a small one be worked out. Shares are of each column's base.`;
  const select = $("#city");
  if (select.options.length === 1) for (const city of data.cities) select.append(el("option", { value: city.code, text: city.label }));
  fieldworkSection(data);
  const body = $("#figures-body");
  body.replaceChildren(...(data.tooFew ? [el("p", { id: "too-few", text: data.tooFew })] : data.figures.map(figureCard)));
  $("#status").dataset.state = "ready";
  $("#status").textContent = "";
}

window.addEventListener("resize", () => {
  for (const { chart, figure, box } of figureCharts) if (!chart.isDisposed()) chart.setOption(chartOption(figure, box.clientWidth), true);
  charts.forEach((c) => c.isDisposed() || c.resize());
});
$("#filters").addEventListener("submit", (event) => {
  event.preventDefault();
  load();
});
load();
