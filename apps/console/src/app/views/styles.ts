/** The console's one stylesheet, inlined into every page (Content-Security-Policy allows inline styles, no inline scripts). */
export const STYLES = `
:root { --fg:#1d2430; --muted:#667085; --line:#d9dee7; --bg:#f6f7f9; --ok:#16794c; --bad:#b42318; --warn:#b54708; --accent:#2f5bd3; --comp:#7a2ec2; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header.top { display:flex; gap:24px; align-items:center; padding:10px 20px; background:#1d2430; color:#fff; }
header.top a { color:#dbe4ff; text-decoration:none; }
header.top a.active { color:#fff; font-weight:600; border-bottom:2px solid #fff; }
header.top .who { margin-left:auto; display:flex; gap:10px; align-items:center; color:#c9d1e0; }
header.top button { background:none; border:1px solid #8a94a6; color:#fff; border-radius:4px; padding:2px 8px; cursor:pointer; }
main { padding:16px 20px 40px; max-width:1500px; }
h1 { font-size:20px; margin:4px 0 12px; } h2 { font-size:16px; margin:22px 0 8px; }
table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef1f6; font-weight:600; font-size:12px; text-transform:uppercase; letter-spacing:.03em; color:#475467; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12.5px; }
a { color:var(--accent); }
.muted { color:var(--muted); }
.badge { display:inline-block; padding:1px 7px; border-radius:10px; font-size:12px; font-weight:600; background:#eef1f6; }
.s-CONFIRMED, .s-COMPLETED, .s-COMMITTED, .s-SUCCEEDED, .v-YES { background:#dcfae6; color:var(--ok); }
.s-CANCELLED, .s-COMPENSATED, .s-ABORTED, .s-FAILED, .s-TIMED_OUT, .v-NO { background:#fee4e2; color:var(--bad); }
.s-PENDING, .s-RUNNING, .s-COMPENSATING, .s-PREPARING, .s-COMMITTING, .s-ABORTING, .s-WAITING, .s-RETRY_SCHEDULED, .s-NEEDS_ATTENTION { background:#fef0c7; color:var(--warn); }
.counts { display:flex; gap:12px; margin:0 0 14px; flex-wrap:wrap; }
.count { background:#fff; border:1px solid var(--line); border-radius:8px; padding:8px 14px; min-width:120px; }
.count b { display:block; font-size:22px; }
form.filters { display:flex; gap:10px; align-items:end; flex-wrap:wrap; margin:0 0 12px; }
form.filters label { display:flex; flex-direction:column; font-size:12px; color:#475467; }
input, select, textarea { font:inherit; padding:4px 6px; border:1px solid #b8c0cc; border-radius:4px; }
button.primary, .button { background:var(--accent); color:#fff; border:0; border-radius:4px; padding:5px 12px; cursor:pointer; text-decoration:none; display:inline-block; }
button.danger { background:var(--bad); color:#fff; border:0; border-radius:4px; padding:4px 10px; cursor:pointer; }
.notice { background:#fffaeb; border:1px solid #fedf89; padding:8px 12px; border-radius:6px; margin:8px 0; }
.error-box { background:#fef3f2; border:1px solid #fecdca; padding:8px 12px; border-radius:6px; margin:8px 0; }
.grid { display:grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap:10px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
.card .label { font-size:12px; color:var(--muted); }
tr.compensation td { background:#f7f0fd; }
tr.dead-letter td { background:#fef3f2; }
tr.redelivered td { background:#fffaeb; }
.flag { font-size:11px; font-weight:700; padding:1px 6px; border-radius:4px; margin-left:6px; }
.flag.comp { background:#ebe0f7; color:var(--comp); } .flag.err { background:#fee4e2; color:var(--bad); }
.flag.dup { background:#fef0c7; color:var(--warn); } .flag.dl { background:#b42318; color:#fff; } .flag.replay { background:#d1e0ff; color:#1f3c99; }
.waterfall { background:#fff; border:1px solid var(--line); }
.waterfall .service { padding:4px 8px; background:#eef1f6; font-weight:600; border-top:1px solid var(--line); }
.waterfall details { border-top:1px solid #f0f2f5; }
.waterfall summary { display:grid; grid-template-columns: 440px 1fr 80px; align-items:center; cursor:pointer; padding:2px 8px; list-style:none; }
.waterfall summary::-webkit-details-marker { display:none; }
.waterfall .name { white-space:nowrap; overflow:hidden; text-overflow:ellipsis; }
.waterfall .track { position:relative; height:14px; background:#f6f7f9; }
.waterfall .bar { position:absolute; top:2px; height:10px; background:#6c8ef5; border-radius:2px; }
.waterfall .span-row.compensation .bar { background:var(--comp); }
.waterfall .span-row.error .bar { background:var(--bad); }
.waterfall .dur { text-align:right; color:var(--muted); font-size:12px; }
.waterfall table.attributes { margin:4px 8px 8px 24px; width:auto; }
.depth { display:inline-block; }
.pager { margin:10px 0; display:flex; gap:12px; }
`;
