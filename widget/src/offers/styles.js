// The offer dialog's stylesheet, adopted into the shared shadow root (no style attributes, so
// strict CSPs hold). A centred dialog on wide screens, a bottom sheet on phones; motion only
// for those who have not asked for less. The variant's brand colour comes in as its own
// rule in a small adopted sheet (brandCss). Selectors start with dialog.kco so they win over the
// checkout chunk's generic dialog.kc rules when both chunks are loaded.
import { CSS_FONT, CSS_RADIUS, CSS_SURFACE, CSS_TEXT } from "../constants.js";

export const STYLES = `
dialog.kco{--bg:var(${CSS_SURFACE},#fff);--t:var(${CSS_TEXT},#1b2420);--r:var(${CSS_RADIUS},10px);
--m:color-mix(in srgb,var(--t) 72%,var(--bg));box-sizing:border-box;width:min(440px,calc(100vw - 32px));max-width:none;
max-height:calc(100dvh - 32px);margin:auto;padding:0;border:0;border-radius:14px;background:var(--bg);color:var(--t);
overflow:auto;overflow-wrap:anywhere;font:15px/1.5 var(${CSS_FONT},system-ui,sans-serif);box-shadow:0 20px 60px #0005}
dialog.kco[open]{display:block}
dialog.kco::backdrop{background:#0c14108c}
.kco *{box-sizing:border-box}
.kco [hidden]{display:none!important}
.kco :focus-visible{outline:3px solid var(--t);outline-offset:2px}
.kco :is(h2,p){margin:0}
.kco .kc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.kco-panel{position:relative}
.kco-img{display:block;width:100%;height:auto;aspect-ratio:2;object-fit:cover}
.kco-x{position:absolute;top:8px;right:8px;width:44px;height:44px;border:0;border-radius:50%;display:grid;place-items:center;
background:var(--bg);color:var(--t);font:28px/1 sans-serif;cursor:pointer}
.kco-main{padding:28px 24px 24px;display:grid;gap:12px}
.kco-label{justify-self:start;padding:4px 12px;border-radius:99px;font-weight:700}
.kco-label,.kco-go{background:var(--kb);color:var(--kbt)}
.kco-title{font-size:22px;line-height:1.25;padding-right:40px}
.kco-note{color:var(--m);font-size:14px}
.kco-go{min-height:48px;padding:0 18px;border:0;border-radius:var(--r);font:inherit;font-weight:700;font-size:16px;cursor:pointer}
.kco-go:disabled{opacity:.55}
.kco-field{display:grid;gap:4px;font-weight:600}
.kco-field input{min-height:44px;padding:0 12px;border:1px solid var(--m);border-radius:var(--r);font:inherit;font-weight:400}
.kco-check{display:flex;gap:10px;align-items:start}
.kco-check input{width:20px;height:20px;margin:2px 0 0;flex:none}
.kco-err{color:#b3261e;font-weight:600}
.kco-code,.kco-timer{font-weight:700;font-variant-numeric:tabular-nums}
.kco-dbg{position:fixed;left:12px;bottom:12px;margin:0;padding:8px 12px;border-radius:8px;background:#1b2420;color:#fff;font:14px/1.5 sans-serif}
.kco-dbg button{min-height:24px;margin-left:10px;border:0;background:none;color:inherit;font:inherit;text-decoration:underline;cursor:pointer}
@media (max-width:640px){dialog.kco{width:100vw;max-height:85dvh;margin:auto 0 0;border-radius:16px 16px 0 0}
.kco-main{padding:24px 16px}}
@media (prefers-reduced-motion:no-preference){dialog.kco[open]{animation:kco-in .2s ease-out}
@media (max-width:640px){dialog.kco[open]{animation-name:kco-up}}}
@keyframes kco-in{from{opacity:0;transform:scale(.96)}}
@keyframes kco-up{from{transform:translateY(100%)}}
`;

const HEX = /^#([0-9a-f]{6})$/i;

function luminance(hex) {
  const channel = (i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/**
 * The variant's colour for buttons and the label, with whichever text colour reads better,
 * for the dialog with class `className`.
 */
export function brandCss(colour, className) {
  const brand = HEX.test(colour) ? colour : "#1f6f5c";
  const light = luminance(brand);
  // Contrast with white is 1.05/(L+.05), with near-black (L≈.01) (L+.05)/.06.
  const text = 1.05 / (light + 0.05) >= (light + 0.05) / 0.06 ? "#fff" : "#111";
  return `dialog.${className}{--kb:${brand};--kbt:${text}}`;
}
