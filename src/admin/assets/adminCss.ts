/** The admin page's stylesheet, served from this package (no CDN): /admin/assets/admin.css. */
export const ADMIN_CSS = String.raw`
:root { --fg:#1d2327; --muted:#646970; --line:#dcdcde; --bg:#f6f7f7; --card:#fff; --accent:#2271b1; --accent-soft:#e8f0f8; --bad:#b32d2e; --ok:#00a32a; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--fg); background:var(--bg); }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display:flex; align-items:center; gap:24px; padding:10px 24px; background:#1d2327; color:#fff; }
header.top a { color:#c3c4c7; }
header.top a.brand { color:#fff; font-weight:600; font-size:16px; }
header.top nav { display:flex; gap:16px; flex:1; }
header.top nav a.active { color:#fff; border-bottom:2px solid #72aee6; padding-bottom:2px; }
header.top .who { display:flex; align-items:center; gap:8px; color:#c3c4c7; }
header.top button.link { color:#72aee6; }
main { max-width: 1100px; margin: 24px auto; padding: 0 24px; }
h1 { font-size: 22px; font-weight: 500; margin: 0 0 16px; }
h2 { font-size: 16px; font-weight: 600; margin: 24px 0 10px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:16px; margin-bottom:16px; }
table { width:100%; border-collapse:collapse; background:var(--card); }
th, td { text-align:left; padding:8px 10px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.03em; }
input, select, textarea, button { font: inherit; }
input[type=text], input[type=search], input[type=password], input[type=number], select, textarea { padding:6px 8px; border:1px solid #8c8f94; border-radius:4px; background:#fff; }
textarea { width:100%; font-family: ui-monospace, Menlo, Consolas, monospace; font-size:12px; }
button, .button { display:inline-block; padding:6px 14px; border:1px solid var(--accent); border-radius:4px; background:var(--accent); color:#fff; cursor:pointer; }
button.secondary, .button.secondary { background:#fff; color:var(--accent); }
button.link { border:none; background:none; padding:0; color:var(--accent); cursor:pointer; }
button.danger { background:#fff; border-color:var(--bad); color:var(--bad); }
form.inline { display:inline; margin:0; }
.row { display:flex; gap:8px; align-items:center; flex-wrap:wrap; }
.muted { color:var(--muted); }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; background:var(--accent-soft); color:var(--accent); font-size:12px; font-weight:600; white-space:nowrap; }
.badge.muted { background:#50575e; color:#fff; }
.badge.status-completed { background:#edfaef; color:var(--ok); }
.badge.status-failed { background:#fcf0f1; color:var(--bad); }
.badge.status-started { background:#fcf9e8; color:#996800; }
.counter { display:inline-block; min-width:22px; margin-left:4px; padding:0 6px; border-radius:10px; background:var(--accent); color:#fff; font-size:11px; text-align:center; }
.notice { padding:10px 14px; border-left:4px solid var(--accent); background:#fff; margin-bottom:16px; }
.notice.error { border-color:var(--bad); }
.pager { display:flex; gap:12px; align-items:center; margin-top:12px; }
.count { font-size:13px; color:var(--muted); }
.login { max-width:380px; margin:80px auto; }
.login label { display:block; margin:12px 0 4px; font-weight:600; }
.login input { width:100%; }
.login button { margin-top:16px; width:100%; }
.segment .group { border:1px dashed #8c8f94; border-radius:6px; padding:10px; margin:8px 0; background:#fbfbfc; }
.segment .group-title { font-weight:600; color:var(--muted); margin-bottom:6px; display:flex; justify-content:space-between; }
.segment .item { display:flex; gap:6px; align-items:center; flex-wrap:wrap; margin:6px 0; }
.segment .or { text-align:center; color:var(--muted); font-weight:600; margin:4px 0; }
.segment details { margin-top:8px; }
.widget .event { display:grid; grid-template-columns: 220px 1fr 160px; gap:12px; padding:8px 0; border-bottom:1px solid var(--line); }
.widget .event:last-child { border-bottom:none; }
.value { word-break: break-word; }
dl.pairs { display:flex; flex-wrap:wrap; align-items:baseline; gap:2px 0; margin:0; }
dl.pairs dt { color:var(--muted); font-family: ui-monospace, Menlo, Consolas, monospace; font-size:12px; margin-right:6px; }
dl.pairs dd { margin:0 16px 0 0; word-break: break-word; }
.nowrap { white-space:nowrap; }
.card > h2:first-child { margin-top:0; }
ol.timeline { list-style:none; padding:0 0 0 18px; margin:0; border-left:2px solid var(--line); }
ol.timeline li { position:relative; padding:6px 0 10px 14px; }
ol.timeline li::before { content:""; position:absolute; left:-25px; top:12px; width:10px; height:10px; border-radius:50%; background:var(--accent); border:2px solid #fff; }
ol.timeline .when { color:var(--muted); font-size:12px; }
svg.chart { width:100%; height:auto; background:#fff; }
svg.chart .bar { fill:#2271b1; }
svg.chart .bar:hover { fill:#135e96; }
svg.chart .axis { stroke:#8c8f94; stroke-width:1; }
svg.chart .grid { stroke:#dcdcde; stroke-width:1; }
svg.chart text { font-size:11px; fill:#646970; }
.stats { display:flex; gap:16px; }
.stats .card { flex:1; }
.stats .big { font-size:28px; font-weight:600; }
`;
