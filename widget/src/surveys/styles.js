// The surveys' stylesheet, adopted into the shared shadow root with the first survey (no
// style attributes, so strict CSPs hold). `dialog.kcs` is the sheet (a centred dialog, a bottom
// sheet up to 640px wide), `section.kcs` the inline form in the checkout's confirmation (which
// it takes its theme from), themed by the same custom properties as the offers. Targets are 44px; the 0–10 scale wraps 6 + 5 at
// 320px; nothing moves (no animation), so there is no motion to reduce. The sheet (class "kc kcs") holds
// up as a block or as the checkout's dialog.kc flex column alike.
import {
  CSS_ACCENT,
  CSS_ACCENT_DEFAULT,
  CSS_ACCENT_TEXT,
  CSS_FONT,
  CSS_RADIUS,
  CSS_SURFACE,
  CSS_TEXT,
} from "../constants.js";

export const STYLES = `
dialog.kcs{--bg:var(${CSS_SURFACE},#fff);--t:var(${CSS_TEXT},#1b2420);--a:var(${CSS_ACCENT},${CSS_ACCENT_DEFAULT});
--at:var(${CSS_ACCENT_TEXT},#fff);--r:var(${CSS_RADIUS},10px);--m:color-mix(in srgb,var(--t) 72%,var(--bg));
box-sizing:border-box;width:min(440px,calc(100vw - 32px));max-width:none;max-height:calc(100dvh - 32px);margin:auto;
padding:24px;border:0;border-radius:14px;background:var(--bg);color:var(--t);overflow:auto;overflow-wrap:anywhere;
font:15px/1.5 var(${CSS_FONT},system-ui,sans-serif);box-shadow:0 20px 60px #0005}
dialog.kcs[open]{display:block}
dialog.kcs::backdrop{background:#0c14108c}
section.kcs{margin-top:24px}
.kcs :focus-visible,.kcs-n:has(:focus-visible){outline:3px solid var(--t);outline-offset:2px}
.kcs .kc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.kcs :is(form,fieldset){display:grid;gap:12px;margin:0;padding:0;border:0}
.kcs p{margin:0}
.kcs legend{padding:0 40px 0 0;font-size:19px;font-weight:700}
.kcs-m{display:block;color:var(--m);font-size:14px}
.kcs-x{position:absolute;top:8px;right:8px;width:44px;height:44px;border:0;background:none;color:var(--t);font-size:28px}
.kcs-o,.kcs-c{display:flex;gap:10px;align-items:center}
.kcs-t{display:grid;gap:4px}
.kcs-o,.kcs-n,.kcs-b button,.kcs textarea,.kcs [type=text],.kcs [type=email]{box-sizing:border-box;min-height:44px;padding:8px 12px;
border:1px solid var(--m);border-radius:var(--r);background:var(--bg);color:var(--t);font:inherit}
.kcs-o:has(:checked){border-color:var(--a);box-shadow:inset 0 0 0 1px var(--a)}
.kcs-sc{display:grid;grid-template-columns:repeat(auto-fill,minmax(44px,1fr));gap:4px}
.kcs-n{position:relative;display:grid;place-items:center;font-weight:700}
.kcs-n input{position:absolute;inset:0;margin:0;opacity:0}
.kcs-n:has(:checked),.kcs-b .kcs-go{border-color:var(--a);background:var(--a);color:var(--at)}
.kcs-st .kcs-n{border:0;background:none;color:var(--m);font-size:30px}
.kcs-st:has(:checked) .kcs-n{color:var(--a)}
.kcs-st .kcs-n:has(:checked)~*{color:var(--m)}
.kcs-e{display:flex;justify-content:space-between}
.kcs-err{color:#b3261e;font-weight:600}
.kcs-b{display:flex;gap:8px}
.kcs-b button{padding:0 18px;font-weight:700}
.kcs-b :disabled{opacity:.55}
@media (max-width:640px){dialog.kcs{width:100vw;max-height:85dvh;margin:auto 0 0;padding:20px 16px;border-radius:16px 16px 0 0}}
`;
