/** The portal's whole stylesheet: small, responsive, high contrast, visible focus. Served at /portal.css. */
export const PORTAL_CSS = `
:root { --fg: #111; --muted: #4a4a4a; --bg: #fff; --line: #c8c8c8; --accent: #0b4f9c; --accent-fg: #fff; --warn: #8a4b00; --bad: #a40000; --ok: #17622a; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: var(--accent-fg); padding: .5rem 1rem; }
.skip:focus { left: 0; }
header.top { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: center; padding: .75rem 1rem; border-bottom: 2px solid var(--accent); }
header.top .brand { font-weight: 700; margin-right: auto; color: var(--fg); text-decoration: none; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; margin: 0; padding: 0; }
header.top form { display: inline-flex; gap: .25rem; align-items: center; margin: 0; }
main { max-width: 68rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
/* One long word (a path, a URL, a title typed without spaces) wraps instead of widening the page. */
h1, h2, h3, td, th, dd, li, p { overflow-wrap: anywhere; }
td a[href*="/tickets/T-"], .badge { overflow-wrap: normal; white-space: nowrap; }
.timeline .body { white-space: pre-wrap; }
a.need-reply { display: inline-block; margin-top: .15rem; font-weight: 700; color: var(--warn); white-space: nowrap; }
/* Small screens: a compact header (brand and the links, which scroll sideways, then language and sign-out). */
@media (max-width: 40rem) {
  header.top { gap: .35rem .5rem; padding: .4rem .5rem; font-size: .9rem; }
  header.top .brand { order: 1; margin-right: 0; }
  header.top nav { order: 2; flex: 1 1 9rem; min-width: 0; overflow-x: auto; scrollbar-width: thin; }
  header.top form { order: 3; }
  header.top form span { display: none; }
  header.top nav ul { flex-wrap: nowrap; gap: .75rem; white-space: nowrap; padding-bottom: .15rem; }
  header.top select { width: auto; padding: .15rem .25rem; }
  header.top button { padding: .15rem .4rem; }
  main { padding: .75rem .5rem; }
  h1 { font-size: 1.3rem; }
  table.clocks thead { display: none; }
  table.clocks tr { display: grid; grid-template-columns: auto 1fr; gap: 0 .75rem; border-bottom: 1px solid var(--line); padding: .35rem 0; }
  table.clocks th[scope=row] { grid-column: 1 / -1; border: 0; padding: 0; }
  table.clocks td { display: contents; }
  table.clocks td::before { content: attr(data-label); color: var(--muted); font-size: .9rem; }
}
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
@media (max-width: 40rem) { table.list thead { display: none; } table.list td { display: block; border: 0; padding: .1rem .5rem; } table.list tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; } }
label { display: block; font-weight: 600; margin-top: .75rem; }
.help { color: var(--muted); font-size: .9rem; margin: .1rem 0 .25rem; }
input[type=text], input[type=email], input[type=password], select, textarea { width: 100%; max-width: 40rem; font: inherit; padding: .4rem .5rem; border: 1px solid #767676; border-radius: 4px; background: #fff; color: var(--fg); }
textarea { min-height: 7rem; }
button { font: inherit; padding: .45rem 1rem; margin-top: .75rem; border: 2px solid var(--accent); border-radius: 4px; background: var(--accent); color: var(--accent-fg); cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
header.top button { margin: 0; padding: .2rem .6rem; }
.error { color: var(--bad); font-weight: 600; }
.notice { border-left: 4px solid var(--ok); padding: .5rem 1rem; background: #eef7f0; }
.notice-error { border-left-color: var(--bad); background: #fbeeee; }
.warning { border-left: 4px solid var(--warn); padding: .5rem 1rem; background: #fdf4e7; margin: 1rem 0; } .warning h2 { margin-top: 0; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .85rem; border: 1px solid currentColor; }
.badge.sla-ok, .badge.sla-met { color: var(--ok); } .badge.sla-at_risk { color: var(--warn); } .badge.sla-breached { color: var(--bad); font-weight: 700; } .badge.sla-paused, .badge.sla-none { color: var(--muted); }
.timeline { list-style: none; padding: 0; }
.timeline li { border-left: 3px solid var(--line); padding: .25rem 0 .75rem 1rem; }
.timeline li.internal { border-left-color: var(--warn); background: #fff6e5; }
.timeline .meta { color: var(--muted); font-size: .9rem; }
.grid { display: grid; gap: 1rem 2rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
dd { margin: 0; font-weight: 600; }
fieldset { border: 1px solid var(--line); border-radius: 4px; margin: 1rem 0; }
.chart-bar { fill: var(--accent); } .chart-label, .chart-value { font-size: 13px; fill: var(--fg); }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
/* customer: ticket lists, ticket actions, approvals, satisfaction */
.tabs { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; margin: 0 0 1rem; padding: 0; border-bottom: 1px solid var(--line); }
.tabs a { display: inline-block; padding: .4rem .9rem; text-decoration: none; border: 1px solid transparent; border-bottom: 0; border-radius: 4px 4px 0 0; }
.tabs a[aria-current="page"] { border-color: var(--line); background: #fff; font-weight: 700; color: var(--fg); margin-bottom: -1px; }
.paging { display: flex; gap: 1.5rem; margin: 1rem 0; }
.timeline dl.details { margin: .25rem 0 0; }
.timeline dl.details div { display: flex; flex-wrap: wrap; gap: .5rem; }
.timeline dl.details dt { color: var(--muted); }
.timeline dl.details dd { font-weight: 400; white-space: pre-wrap; }
.timeline ul.files { list-style: none; padding: 0; margin: .35rem 0 0; display: flex; flex-wrap: wrap; gap: .5rem 1rem; }
.timeline ul.files li { border: 0; padding: 0; display: flex; flex-direction: column; gap: .15rem; max-width: 12rem; overflow-wrap: anywhere; }
.timeline img.thumb { display: block; width: auto; height: auto; max-width: 10rem; max-height: 7.5rem; object-fit: contain; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
label.choice { font-weight: 400; display: flex; gap: .5rem; align-items: center; }
[aria-invalid="true"] { border-color: var(--bad); outline: 2px solid var(--bad); }
details.cancel { margin: 1.5rem 0; }
details.cancel summary { cursor: pointer; color: var(--accent); }
ul.paused { padding-left: 1.25rem; }
table.list .badge { white-space: nowrap; }
/* kb: knowledge base and the new-ticket suggestions */
input[type=search] { width: 100%; max-width: 40rem; font: inherit; padding: .4rem .5rem; border: 1px solid #767676; border-radius: 4px; background: #fff; color: var(--fg); }
.kb-filters { display: grid; gap: 0 1rem; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); max-width: 52rem; }
.kb-results { list-style: none; padding: 0; }
.kb-results li { border-bottom: 1px solid var(--line); padding: .5rem 0; }
.kb-results h3 { margin: 0; font-size: 1.05rem; }
.kb-results .meta, .kb-meta dt { color: var(--muted); font-size: .9rem; }
.kb-results p { margin: .2rem 0; }
.kb-meta { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; margin: 0 0 1rem; }
.kb-translations ul { list-style: none; padding: 0; margin: 0 0 1rem; }
.kb-body { max-width: 46rem; overflow-wrap: anywhere; }
.kb-body pre { overflow-x: auto; background: #f4f4f4; padding: .5rem; }
.kb-body img { max-width: 100%; }
.badge.kb-draft { color: var(--warn); }
.kb-form textarea { min-height: 18rem; font-family: ui-monospace, monospace; }
.choice label { display: inline; font-weight: normal; margin: 0; }
.suggestions { border-left: 4px solid var(--accent); padding: .25rem 1rem; margin: 1rem 0; background: #f1f6fc; max-width: 40rem; }
.suggestions h2 { margin-top: .25rem; font-size: 1.05rem; }
.suggestions ul { margin: 0; padding-left: 1.2rem; }
#new-ticket-form [aria-invalid=true], .kb-form [aria-invalid=true], .kb-search [aria-invalid=true] { border: 2px solid var(--bad); }
/* desk: queues, staff ticket page, phone form */
.desk-tabs ul { display: flex; flex-wrap: wrap; gap: .25rem .5rem; list-style: none; padding: 0; margin: 0 0 .5rem; }
.desk-tabs a { display: inline-block; padding: .25rem .75rem; border: 1px solid var(--accent); border-radius: 1rem; text-decoration: none; }
.desk-tabs a[aria-current="page"] { background: var(--accent); color: var(--accent-fg); font-weight: 700; }
table.desk-queue tr.attention td:first-child { border-left: 4px solid var(--warn); }
table.desk-queue tr.sla-row-breached td:first-child { border-left-color: var(--bad); }
table.desk-queue tr.sla-row-breached { background: #fdeeee; } table.desk-queue tr.sla-row-at_risk { background: #fff6e5; }
.muted { color: var(--muted); }
.pager { display: flex; gap: 1.5rem; margin: 1rem 0; }
.pager { flex-wrap: wrap; align-items: center; }
.page-numbers { display: flex; flex-wrap: wrap; gap: .25rem; list-style: none; margin: 0; padding: 0; }
.page-numbers a { display: inline-block; min-width: 2rem; padding: .2rem .5rem; text-align: center; border: 1px solid var(--line); border-radius: 4px; text-decoration: none; }
.page-numbers a[aria-current="page"] { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); font-weight: 700; }
/* the list page is wider by the views' column, so the queue keeps the width it had */
main:has(.desk-list-layout) { max-width: 82rem; }
.desk-list-layout { display: grid; grid-template-columns: 12rem minmax(0, 1fr); gap: 1.5rem; align-items: start; }
@media (max-width: 60rem) { .desk-list-layout { grid-template-columns: minmax(0, 1fr); } }
.desk-views h2 { font-size: 1.05rem; margin-top: 0; }
.view-list { list-style: none; padding: 0; margin: 0 0 .75rem; }
.view-list li { display: flex; gap: .4rem; align-items: center; padding: .2rem 0; }
.view-list a[aria-current="page"] { font-weight: 700; }
.view-list button.link { background: none; border: 0; color: var(--bad); padding: 0 .3rem; min-height: 0; margin: 0; cursor: pointer; }
.desk-search input { width: 100%; max-width: 40rem; }
.bulk-bar { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: end; }
.bulk-action { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: end; }
.bulk-field { display: flex; flex-direction: column; }
.bulk-field label, .bulk-action button { margin-top: 0; }
.desk-actions form.compact fieldset { min-height: 0; }
label.check { font-weight: 400; display: flex; gap: .5rem; align-items: center; }
input[type=date], input[type=tel] { font: inherit; padding: .4rem .5rem; border: 1px solid #767676; border-radius: 4px; }
input[type=tel] { width: 100%; max-width: 40rem; }
[aria-invalid="true"] { border-color: var(--bad) !important; outline: 2px solid var(--bad); }
.phone-line.open { color: var(--ok); } .phone-line.closed { color: var(--bad); }
blockquote.typed { border-left: 3px solid var(--line); margin: .25rem 0; padding: .25rem .75rem; white-space: pre-wrap; color: var(--fg); font-weight: 400; }
.desk-timeline .body { white-space: pre-wrap; }
/* admin: releases and administration */
.subnav ul { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; padding: 0; margin: 0 0 1rem; border-bottom: 1px solid var(--line); }
.subnav a { display: inline-block; padding: .25rem 0; }
.subnav a[aria-current=page] { font-weight: 700; color: var(--fg); border-bottom: 3px solid var(--accent); }
.filters { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: end; margin-bottom: 1rem; }
.filters label { margin-top: 0; } .filters select { width: auto; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .5rem 1.5rem; }
.facts dt { color: var(--muted); font-size: .9rem; }
.error-summary { border: 2px solid var(--bad); padding: .5rem 1rem; margin: .5rem 0; }
.field-error { margin: .1rem 0; }
.detail { font-weight: 400; }
[aria-invalid=true] { border-color: var(--bad); border-width: 2px; }
form.inline { display: inline-flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: end; margin: 0; }
form.inline label { margin-top: 0; } form.inline button { margin-top: 0; }
ul.plain { list-style: none; padding: 0; } ul.plain li { margin: .25rem 0; }
label.check { display: inline-flex; gap: .25rem; align-items: center; font-weight: 400; margin-right: 1rem; }
input[type=date], input[type=tel] { font: inherit; padding: .35rem .5rem; border: 1px solid #767676; border-radius: 4px; }
.pre { white-space: pre-wrap; }
a.button { display: inline-block; padding: .45rem 1rem; border: 2px solid var(--accent); border-radius: 4px; background: var(--accent); color: var(--accent-fg); text-decoration: none; }
table.targets input { width: 5rem; } table.targets select { width: auto; }
@media (max-width: 40rem) { table.targets, table.targets tbody, table.targets tr, table.targets td, table.targets th { display: block; } table.targets thead { display: none; } }
/* service reports: list, report page, charts by compliance band */
figure svg { max-width: 100%; height: auto; }
figure.chart { margin: .5rem 0 1rem; }
.table-scroll { max-width: 100%; overflow-x: auto; }
.report-head h1 { overflow-wrap: anywhere; } .wrap { overflow-wrap: break-word; }
.table-scroll table.wide { min-width: 44rem; }
@media (max-width: 40rem) { .table-scroll table { font-size: .9rem; } .table-scroll th, .table-scroll td { padding: .35rem .25rem; } }
.report-kind { display: block; font-size: 1rem; font-weight: 600; color: var(--muted); }
th.num, td.num { text-align: right; } td.num { white-space: nowrap; }
.downloads { display: flex; flex-wrap: wrap; gap: .5rem; }
a.button.secondary { background: #fff; color: var(--accent); }
input[type=month] { font: inherit; padding: .35rem .5rem; border: 1px solid #767676; border-radius: 4px; }
.chart-track { fill: #e4e7eb; }
.chart-bar.tone-full { fill: var(--ok); } .chart-bar.tone-near { fill: #b7791f; } .chart-bar.tone-below { fill: var(--bad); }
.rate.band-full { color: var(--ok); } .rate.band-near { color: var(--warn); font-weight: 600; } .rate.band-below { color: var(--bad); font-weight: 700; }
.trend-opened { fill: #3b6fb6; } .trend-resolved { fill: #2f855a; } .trend-dot { fill: #7b4397; }
.trend-line { fill: none; stroke: #7b4397; stroke-width: 2; } .trend-axis { stroke: var(--muted); } .chart-sub { font-size: 11px; fill: var(--muted); }
/* dashboard (#14 point 6): states by compliance in colour and words; 0 % keeps an outline; the daily trend */
.chart-bar.tone-full, .chart-bar.tone-near, .chart-bar.tone-below { stroke-width: 1.5; } .chart-bar.tone-full { stroke: #0d4019; } .chart-bar.tone-near { stroke: #6b4500; } .chart-bar.tone-below { stroke: #5c0000; }
.state { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .85rem; font-weight: 700; border: 2px solid currentColor; white-space: nowrap; }
.state-full { color: var(--ok); background: #eef7f0; } .state-near { color: var(--warn); background: #fdf4e7; } .state-below { color: var(--bad); background: #fbeeee; } .state-none { color: var(--muted); }
table.dash-due th { overflow-wrap: normal; } .due-over { color: var(--bad); white-space: nowrap; } .due-left { color: var(--warn); white-space: nowrap; }
.daily-created { fill: none; stroke: #1d4f91; stroke-width: 2; } .daily-resolved { fill: none; stroke: #17622a; stroke-width: 2; stroke-dasharray: 5 3; }
.daily-created-dot { fill: #1d4f91; } .daily-resolved-dot { fill: #17622a; }
ul.figures { list-style: none; padding: 0; margin: .25rem 0 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.dash-summary a.figure { font-weight: 700; }
`;
