// The badges' stylesheet, one constructable sheet adopted into each shadow root that shows
// them: a mount's own, or the checkout's for the drawer and the pay button (no style
// attributes, so strict CSPs hold). A strip is exactly BADGES_HEIGHT tall at any width: what
// does not fit gives up its words (every badge but the first shows its icon alone, .kb-s), then
// scrolls sideways with a fade at the edge that has more (.kb-l, .kb-r), never onto a second line, and the strip asks its page for no
// width (inline-size containment: a long strip must not widen the column it sits in). Themed with the --keepcart-*
// custom properties (set on the mount or on :root): light unless the page says otherwise (a
// shopper's dark mode is not the page's, and a dark strip on a light page looks broken). Nothing moves on its own
// (no animation), so prefers-reduced-motion has nothing to take away. Each line of the sheet
// ends in a backslash, a template literal's line continuation: no newlines in the built file.
import { BADGES_HEIGHT, CSS_ACCENT, CSS_ACCENT_DEFAULT, CSS_FONT, CSS_SURFACE, CSS_TEXT } from "../constants.js";

export const STYLES = `\
.kb{--a:var(${CSS_ACCENT},${CSS_ACCENT_DEFAULT});--t:var(${CSS_TEXT},#1b2420);--s:var(${CSS_SURFACE},#fff);\
color:var(--t);font-family:var(${CSS_FONT});font-size:13.5px;line-height:1.3;box-sizing:border-box;text-align:left}\
ul.kb{display:flex;align-items:center;gap:8px;height:${BADGES_HEIGHT}px;margin:0;padding:0 3px;list-style:none;\
overflow:auto hidden;white-space:nowrap;scrollbar-width:thin;container-type:inline-size;position:relative}\
@container (width<440px){.kb-o{display:none}.kb-w{display:inline-block}.kb-w::first-letter{text-transform:uppercase}}\
.kb li{flex:none}\
.kb li,.kb-b{display:flex;align-items:center;gap:6px;height:30px;padding:0 11px;border-radius:99px;\
background:color-mix(in srgb,var(--a) 11%,var(--s))}\
.kb li:has(>.kb-b){padding:0}\
.kb button{font:inherit;color:inherit;cursor:pointer}\
.kb-b{border:0;text-decoration:underline dotted;text-underline-offset:3px}\
.kb svg{width:16px;height:16px;flex:none;fill:none;stroke:var(--a);stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}\
.kb-c{font-variant-numeric:tabular-nums}\
.kb-s li~li span,.kb-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\
.kb-l{--l:#0000}.kb-r{--r:#0000}\
.kb-l,.kb-r{mask:linear-gradient(90deg,var(--l,#000),#000 40px calc(100% - 40px),var(--r,#000))}\
.kb-g{display:inline-grid}.kb-g>*{grid-area:1/1}.kb-g>[aria-hidden]{visibility:hidden}\
.kb :focus-visible,.kb:focus-visible{outline:2px solid var(--a);outline-offset:1px}\
ul.kb:focus-visible{outline-offset:-2px}\
dialog.kb{width:min(420px,calc(100vw - 32px));padding:0;border:0;border-radius:12px;background:var(--s);\
font-size:15px;box-shadow:0 16px 48px #0005}\
dialog.kb::backdrop{background:#0c141066}\
.kb>div{display:grid;gap:12px;padding:22px}\
.kb h2{margin:0;font-size:18px}\
.kb p{margin:0;white-space:pre-line;line-height:1.5;overflow-wrap:anywhere}\
.kb a{color:inherit}\
.kb-x{justify-self:end;min-height:44px;padding:0 18px;border:1px solid color-mix(in srgb,var(--t) 35%,var(--s));\
border-radius:8px;background:none}
`;
