// The reviews chunk's one stylesheet, adopted by each mount's own shadow root (no style
// attributes, so strict CSPs hold). What renders before any click has fixed sizes, the ones
// the merchant reserves (widget/README.md), so nothing on the page moves when it appears:
//   [data-keepcart-reviews]  display:block; min-height:280px  (summary 176 + "How reviews
//                            work here" 52 + "Show reviews" 52; the list opens on a click)
//   [data-keepcart-stars]    display:inline-block; min-width:120px; height:20px  (the stars
//                            are positioned inside that box, so they take no room of their own,
//                            and scale down to fit it: a big count never spills out)
// Colours follow the page (text inherits) and the merchant's custom properties on the mount.
// The :host rules change nothing of the reserved box once the shadow root is attached (no
// vertical-align, margin or size: a star mount's line would move); position:relative only
// anchors the stars inside it.
import { CSS_ACCENT, CSS_ACCENT_TEXT, CSS_FONT, CSS_RADIUS, CSS_TEXT } from "../constants.js";

const steps = (count, rule) => Array.from({ length: count + 1 }, (_, n) => rule(n)).join("");

export const STYLES = `
:host{display:block}
:host([data-keepcart-stars]){display:inline-block;position:relative!important}
*{box-sizing:border-box}
[hidden]{display:none!important}
.k{--a:var(${CSS_ACCENT},#9a5800);--at:var(${CSS_ACCENT_TEXT},#fff);--r:var(${CSS_RADIUS},8px);
--tr:color-mix(in srgb,currentColor 16%,transparent);color:var(${CSS_TEXT});font-family:var(${CSS_FONT});font-size:15px;line-height:22px}
@media (prefers-color-scheme:dark){.k{--a:var(${CSS_ACCENT},#f2b552);--at:var(${CSS_ACCENT_TEXT},#1b1306)}}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
:focus-visible{outline:3px solid currentColor;outline-offset:2px}
.k :is(h3,p,ul,ol){margin:0}
.st{position:relative;display:inline-block;letter-spacing:1px;color:var(--tr);white-space:nowrap}
.st i{position:absolute;left:0;top:0;overflow:hidden;color:var(--a);font-style:normal}
${steps(10, (n) => `.s${n} i{width:${n * 10}%}`)}
.sum{height:176px;padding-top:12px;overflow:hidden;container-type:inline-size}
.hd{display:flex;align-items:center;gap:8px;height:28px;margin-bottom:10px!important;font-size:17px;line-height:28px;
white-space:nowrap;overflow:hidden}
.hd .st{font-size:19px}
.hd b{font-size:19px}
.mu{display:flex;min-width:0;overflow:hidden}
.o5{min-width:0;overflow:hidden;text-overflow:ellipsis}
@container (max-width:340px){.o5{display:none}}
.ds{list-style:none;padding:0!important;display:grid;grid-template-rows:repeat(5,22px);row-gap:4px;height:126px}
.ds li{display:grid;grid-template-columns:42px 1fr 40px;align-items:center;gap:8px;font-size:13px;white-space:nowrap}
.ds span:last-of-type{text-align:end}
.br{height:8px;border-radius:4px;background:var(--tr);overflow:hidden}
.br i{display:block;height:100%;background:var(--a)}
${steps(20, (n) => `.w${n} i{width:${n * 5}%}`)}
.how{margin-top:8px}
.how summary{height:44px;display:flex;align-items:center;cursor:pointer;font-weight:600;white-space:nowrap;overflow:hidden}
.how ul{padding:4px 0 8px 20px}
.row{display:flex;align-items:center;height:44px;margin-top:8px;white-space:nowrap;overflow:hidden}
button{font:inherit;color:inherit;min-height:44px;padding:0 16px;border:1px solid currentColor;border-radius:var(--r);
background:none;cursor:pointer}
button:disabled,[aria-disabled=true]{cursor:default;opacity:.7}
.go{background:var(--a);color:var(--at);border-color:var(--a);font-weight:700}
.ls{padding-top:8px}
.so{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:8px}
.so [aria-pressed=true]{background:var(--a);color:var(--at);border-color:var(--a)}
.rv{list-style:none;padding:0!important}
.rv>li{padding:14px 0;border-top:1px solid var(--tr)}
.rv article{display:grid;gap:4px}
.rv article:focus{outline:none}
.rv article:focus-visible{outline:3px solid currentColor}
.rv h3{font-size:16px;overflow-wrap:anywhere}
.lb{font-size:13px;font-weight:700}
.tx{white-space:pre-line;overflow-wrap:anywhere}
.by{font-size:14px;overflow-wrap:anywhere}
.rp{border-inline-start:3px solid var(--tr);padding-inline-start:12px;margin-top:4px}
.rp p:first-child{font-size:14px;font-weight:600}
.hp{justify-self:start;min-height:36px;font-size:14px}
.mo{margin-top:8px}
.ks{position:absolute;inset:0;display:flex;align-items:center;gap:4px;font-size:14px;line-height:20px;white-space:nowrap;
overflow:hidden;container-type:inline-size}
.ks>*{font-size:min(14px,9cqw)}
`;
