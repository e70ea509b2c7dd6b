/**
 * The report's stylesheet and its one small script, both inline: the page's Content Security
 * Policy (CSP below) forbids loading anything, so nothing leaves the page when it is opened.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

export const STYLE = `
:root { --fg: #1d2430; --muted: #5b6573; --line: #d8dde4; --bg: #fff; --soft: #f4f6f9;
  --c0: #3b6fb6; --c1: #7a5cb8; --c2: #2e9d6a; --c3: #e0a526; --c4: #b8c0cc; --bad: #b3362c; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 32px 0 8px;
  border-bottom: 2px solid var(--line); padding-bottom: 4px; } h3 { font-size: 16px; margin: 0 0 6px; }
.muted, small { color: var(--muted); } .bad { color: var(--bad); }
nav { margin: 12px 0; font-size: 13px; } nav a { margin-right: 12px; color: var(--c0); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 200px; background: var(--soft); }
.card b { display: block; font-size: 20px; }
table { border-collapse: collapse; margin: 6px 0 12px; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " \\2195"; color: var(--muted); font-size: 11px; }
th[aria-sort="ascending"]::after { content: " \\2191"; } th[aria-sort="descending"]::after { content: " \\2193"; }
table.kv { width: auto; } table.kv th { color: var(--muted); font-weight: normal; }
.person { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 14px 0; break-inside: avoid-page; }
details { margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
figure { margin: 12px 0 20px; } figcaption { color: var(--muted); font-size: 13px; }
svg.chart { max-width: 100%; height: auto; font-size: 12px; fill: var(--fg); }
svg .small { font-size: 10px; fill: var(--muted); } svg .axis { stroke: var(--line); }
.c0 { fill: var(--c0); } .c1 { fill: var(--c1); } .c2 { fill: var(--c2); } .c3 { fill: var(--c3); } .c4 { fill: var(--c4); }
@media print { body { max-width: none; padding: 0; font-size: 11px; } nav { display: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } h2 { break-after: avoid; } }
`;

/** Sorts a table by the clicked column (numbers as numbers); opens every list before printing. */
export const SCRIPT = `
for (const th of document.querySelectorAll("table.sortable th")) {
  th.tabIndex = 0;
  const sort = () => {
    const row = th.parentElement, body = th.closest("table").tBodies[0];
    const i = [...row.children].indexOf(th);
    const up = th.getAttribute("aria-sort") !== "ascending";
    for (const other of row.children) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    const key = (tr) => { const t = tr.cells[i].textContent.trim(); const n = Number(t); return t !== "" && !Number.isNaN(n) ? n : t.toLowerCase(); };
    const rows = [...body.rows].sort((a, b) => {
      const x = key(a), y = key(b);
      const c = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : typeof x === "number" ? -1 : 1;
      return up ? c : -c;
    });
    body.append(...rows);
  };
  th.addEventListener("click", sort);
  th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
}
addEventListener("beforeprint", () => { for (const d of document.querySelectorAll("details")) d.open = true; });
`;
