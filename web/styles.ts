/** the shadow-DOM styles of every element: themes through custom properties, sizes through font-size */
import uplotCss from 'uplot/dist/uPlot.min.css'

export const ELEMENT_CSS = `${uplotCss}
:host{--bg:#ffffff;--fg:#17202e;--muted:#5d6878;--line:#e3e7ee;--card:#f6f8fb;--accent:#0d9d6b;--accent2:#3b6fd8;--bad:#c2413b;--warn:#b7791f;--ok:#178a55;
 display:block;box-sizing:border-box;container-type:inline-size;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);
 background:var(--bg);border:1px solid var(--line);border-radius:12px;padding:16px 18px;min-width:0}
:host([theme=dark]){--bg:#121821;--fg:#e8edf4;--muted:#98a3b3;--line:#273142;--card:#1a2230;--accent:#2fd39a;--accent2:#7aa2ff;--bad:#ff7b72;--warn:#e3b341;--ok:#3fd08a}
@media (prefers-color-scheme:dark){:host(:not([theme=light])){--bg:#121821;--fg:#e8edf4;--muted:#98a3b3;--line:#273142;--card:#1a2230;--accent:#2fd39a;--accent2:#7aa2ff;--bad:#ff7b72;--warn:#e3b341;--ok:#3fd08a}}
:host([size=small]){font-size:12px;padding:10px 12px}
:host([size=large]){font-size:15px}
*{box-sizing:border-box}
h2{font-size:1.05em;margin:0 0 10px;display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
h2 .sub{font-weight:400;color:var(--muted);font-size:.85em}
a{color:var(--accent2)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:2px solid var(--accent2);outline-offset:2px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:0 0 12px}
.kpi{background:var(--card);border-radius:8px;padding:8px 10px;min-width:0}
.kpi .label{color:var(--muted);font-size:.78em;text-transform:uppercase;letter-spacing:.04em}
.kpi .value{font-size:1.12em;font-weight:600;font-variant-numeric:tabular-nums}
.kpi data{white-space:nowrap}
.kpi .note{font-size:.78em;font-weight:400;color:var(--muted)}
.kpi .value .unit,.amount .unit{font-size:.75em;font-weight:500;color:var(--muted)}
:host([size=small]) .kpi .value{font-size:1.05em}
@container (max-width:720px){.kpi .value{font-size:1em}.kpis{grid-template-columns:repeat(auto-fit,minmax(140px,1fr))}}
.state{display:inline-block;padding:1px 8px;border-radius:99px;font-size:.8em;font-weight:600;background:var(--card);border:1px solid var(--line)}
.state.WorkerIdle{color:var(--ok);border-color:currentColor}
.state.WorkerUnresponsive{color:var(--bad);border-color:currentColor}
.state.WorkerCoolingDown,.state.Ready{color:var(--warn);border-color:currentColor}
.error{color:var(--bad);background:color-mix(in srgb,var(--bad) 10%,transparent);border:1px solid color-mix(in srgb,var(--bad) 40%,transparent);border-radius:8px;padding:10px 12px}
.loading{color:var(--muted)}
.muted,.na{color:var(--muted)}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:6px 6px;border-bottom:1px solid var(--line);white-space:nowrap}
th{font-size:.78em;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
td.r,th.r{text-align:right}
td.explain{white-space:normal;min-width:280px}
.body>h2:not(:first-child){margin-top:18px}
.range{margin-bottom:6px}
.scroll{overflow-x:auto}
.bar{height:10px;background:var(--card);border-radius:99px;overflow:hidden;border:1px solid var(--line)}
.bar>span{display:block;height:100%;background:linear-gradient(90deg,var(--accent),var(--accent2));min-width:2px}
.row{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.spark{display:block;width:100%;height:42px}
.spark path.area{fill:color-mix(in srgb,var(--accent) 18%,transparent)}
.spark path.line{fill:none;stroke:var(--accent);stroke-width:1.5}
button,.button{font:inherit;background:var(--card);color:var(--fg);border:1px solid var(--line);border-radius:8px;padding:5px 12px;cursor:pointer;text-decoration:none;display:inline-block}
button:hover,.button:hover{border-color:var(--accent2)}
button:disabled{opacity:.45;cursor:default}
input{font:inherit;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:8px;padding:5px 10px;min-width:0}
.ok{color:var(--ok);font-weight:600}.bad{color:var(--bad);font-weight:600}
.chart{margin:6px 0 4px;min-height:60px}
.foot{color:var(--muted);font-size:.78em;margin-top:8px}
.uplot{font-family:inherit}.u-legend{font-size:.8em;color:var(--muted)}.u-legend .u-marker{border-radius:2px}
.u-legend th,.u-legend td{border:0;padding:1px 4px;text-transform:none;letter-spacing:0;font-weight:500;color:var(--muted)}.u-legend .u-series:first-child{display:none}
`
