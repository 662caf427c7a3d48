// The checkout's stylesheet, adopted into the shadow root (no style attributes, so strict CSPs
// hold). Merchants theme it with the --keepcart-* custom properties of constants.js.
import {
  BADGES_HEIGHT,
  CSS_ACCENT,
  CSS_ACCENT_DEFAULT,
  CSS_ACCENT_TEXT,
  CSS_FONT,
  CSS_RADIUS,
  CSS_SURFACE,
  CSS_TEXT,
} from "../constants.js";

const FONT = 'ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif';

export const STYLES = `
.kc{--a:var(${CSS_ACCENT},${CSS_ACCENT_DEFAULT});--at:var(${CSS_ACCENT_TEXT},#fff);--bg:var(${CSS_SURFACE},#fff);
--t:var(${CSS_TEXT},#1b2420);--r:var(${CSS_RADIUS},10px);--m:color-mix(in srgb,var(--t) 70%,var(--bg));
--l:color-mix(in srgb,var(--t) 15%,var(--bg));--in:color-mix(in srgb,var(--t) 32%,var(--bg));
--soft:color-mix(in srgb,var(--t) 4%,var(--bg));--tint:color-mix(in srgb,var(--a) 9%,var(--bg));--e:#b3261e;
font:15px/1.45 var(${CSS_FONT},${FONT});color:var(--t);text-align:left;letter-spacing:normal;
-webkit-font-smoothing:antialiased;color-scheme:light;box-sizing:border-box}
:where(.kc) *,:where(.kc) *::before,:where(.kc) *::after{box-sizing:inherit}
.kc [hidden]{display:none!important}
.kc :focus-visible{outline:2px solid var(--a);outline-offset:2px}
:where(.kc) :where(h2,h3,p,ul,ol,dl,dd){margin:0}
:where(.kc) button{font:inherit;color:inherit}
.kc-sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
.kc-i{width:20px;height:20px;flex:none;fill:none;stroke:currentColor;stroke-width:1.8;stroke-linecap:round;stroke-linejoin:round}
:where(dialog.kc){padding:0;border:0;margin:0;max-width:100vw;max-height:100dvh;background:var(--bg);overflow:hidden}
dialog.kc[open]{display:flex;flex-direction:column}
dialog.kc::backdrop{background:rgb(12 20 16/.5)}
.kc-title{font-size:19px;font-weight:650;letter-spacing:-.01em}
.kc-title:focus,.kc-done-title:focus{outline:none}
.kc-x{width:40px;height:40px;border:0;border-radius:50%;background:none;display:grid;place-items:center;cursor:pointer;flex:none}
.kc-x:hover{background:var(--soft)}
.kc-btn{display:inline-flex;align-items:center;justify-content:center;gap:8px;min-height:44px;padding:0 18px;
border:1px solid transparent;border-radius:var(--r);font-weight:600;cursor:pointer;text-decoration:none}
.kc-primary{width:100%;min-height:54px;background:var(--a);color:var(--at);font-size:16.5px}
.kc-primary:hover{background:color-mix(in srgb,var(--a) 86%,#000)}
.kc-primary[aria-disabled=true]{opacity:.75;cursor:progress}
.kc-secondary{background:var(--bg);border-color:var(--in)}
.kc-secondary:hover{background:var(--soft)}
.kc-link{border:0;background:none;padding:2px 0;color:var(--m);font-size:13.5px;text-decoration:underline;text-underline-offset:3px;cursor:pointer}
.kc-link:hover{color:var(--t)}
.kc-alert{display:flex;gap:8px;align-items:flex-start;padding:10px 12px;border:1px solid color-mix(in srgb,var(--e) 35%,#fff);
border-radius:var(--r);background:color-mix(in srgb,var(--e) 7%,#fff);color:var(--e);font-size:14px}
.kc-err{display:flex;gap:6px;align-items:flex-start;margin-top:6px;color:var(--e);font-size:13.5px}
.kc-err .kc-i,.kc-alert .kc-i{width:17px;height:17px;margin-top:1px}
.kc-note,.kc-hint{color:var(--m);font-size:13.5px}
.kc-hint{display:block;margin-top:4px}
.kc-busy{position:absolute;inset:0 0 auto;height:3px;overflow:hidden;background:color-mix(in srgb,var(--a) 15%,var(--bg));z-index:1}
.kc-busy::after{content:"";position:absolute;inset:0;width:40%;background:var(--a)}
.kc-drawer{inset:0 0 0 auto;width:min(440px,100vw);height:100dvh;box-shadow:-16px 0 48px rgb(0 0 0/.18)}
.kc-panel{position:relative;display:flex;flex-direction:column;flex:1;min-height:0}
.kc-head{display:flex;align-items:center;justify-content:space-between;gap:12px;padding:16px 14px 16px 22px;border-bottom:1px solid var(--l)}
.kc-count{color:var(--m);font-weight:500}
.kc-scroll{flex:1;overflow:auto;overscroll-behavior:contain;padding:4px 22px 16px}
.kc-scroll>.kc-alert{margin-top:14px}
.kc-free{display:flex;gap:12px;align-items:center;margin-top:14px;padding:12px 14px;border-radius:var(--r);background:var(--tint);font-size:14px}
.kc-free>div{flex:1}.kc-free p{margin-bottom:7px}.kc-free .kc-i{color:var(--a)}
.kc-meter{display:block;width:100%;height:6px;border:0;border-radius:9px;overflow:hidden;appearance:none;background:color-mix(in srgb,var(--a) 18%,var(--bg))}
.kc-meter::-webkit-progress-bar{background:color-mix(in srgb,var(--a) 18%,var(--bg))}
.kc-meter::-webkit-progress-value{background:var(--a);border-radius:9px}
.kc-meter::-moz-progress-bar{background:var(--a);border-radius:9px}
.kc-lines{list-style:none;padding:0}
.kc-line{display:grid;grid-template-columns:76px 1fr auto;gap:14px;padding:18px 0;border-bottom:1px solid var(--l)}
.kc-line:last-child{border-bottom:0}
.kc-thumb{display:grid;place-items:center;width:76px;height:76px;border:1px solid var(--l);border-radius:8px;background:var(--soft);object-fit:cover;color:var(--m)}
.kc-name{font-weight:600;line-height:1.3}
.kc-variant,.kc-unit{color:var(--m);font-size:13.5px;margin-top:2px}
.kc-unit s{margin-left:4px}
.kc-line-total{font-weight:600;white-space:nowrap}
.kc-line-actions{display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;margin-top:10px}
.kc-stepper{display:inline-flex;align-items:center;height:38px;border:1px solid var(--in);border-radius:99px}
.kc-step{display:grid;place-items:center;width:38px;height:36px;border:0;border-radius:99px;background:none;cursor:pointer}
.kc-step .kc-i{width:16px;height:16px}
.kc-step:hover:not([aria-disabled=true]){background:var(--soft)}
.kc-step[aria-disabled=true]{opacity:.35;cursor:not-allowed}
.kc-qty{width:34px;height:34px;padding:0;border:0;background:none;color:inherit;font:inherit;font-weight:600;text-align:center}
.kc-empty{padding:56px 8px;text-align:center;color:var(--m)}
.kc-empty p{margin:10px 0 20px;font-size:16px;color:var(--t)}
.kc-empty-i{width:44px;height:44px;fill:none;stroke:currentColor;stroke-width:1.4}
.kc-foot{padding:16px 22px 20px;border-top:1px solid var(--l);box-shadow:0 -8px 24px rgb(0 0 0/.04)}
.kc-foot .kc-note{margin:2px 0 14px}
.kc-totals{display:grid;gap:6px}
.kc-row{display:flex;justify-content:space-between;gap:16px}
.kc-row dt{display:flex;gap:6px;align-items:center;color:var(--m)}
.kc-row dd{font-weight:550;white-space:nowrap}
.kc-foot .kc-row:first-child dt{color:var(--t);font-weight:600}
.kc-saving dt,.kc-saving dd{color:var(--a)}
.kc-saving .kc-i{width:16px;height:16px}
.kc-grand{align-items:baseline;margin-top:6px;padding-top:14px;border-top:1px solid var(--l)}
.kc-grand dt{color:var(--t);font-size:16px;font-weight:600}
.kc-grand dd{font-size:22px;font-weight:700;letter-spacing:-.01em}
.kc-expiry dd{min-width:5ch;font-variant-numeric:tabular-nums;text-align:right}
.kc-incl{margin-top:-2px;color:var(--m);font-size:13px;text-align:right}
.kc-checkout{inset:0;margin:auto;width:min(1120px,calc(100vw - 48px));height:min(940px,calc(100dvh - 48px));border-radius:16px;box-shadow:0 30px 90px rgb(0 0 0/.35)}
.kc-co{display:flex;flex-direction:column;flex:1;min-height:0}
.kc-co-head{display:flex;align-items:center;gap:20px;padding:12px 16px 12px 28px;border-bottom:1px solid var(--l)}
.kc-store{color:var(--m);font-size:13px;line-height:1.2}
.kc-steps{display:flex;align-items:center;gap:8px;margin:0 auto;padding:0;list-style:none;color:var(--m);font-size:13.5px}
.kc-steps li{display:flex;align-items:center;gap:7px}
.kc-steps li+li::before{content:"";width:28px;height:1px;margin-right:1px;background:var(--in)}
.kc-dot{display:grid;place-items:center;width:22px;height:22px;border:1.5px solid var(--in);border-radius:50%;font-size:12px}
.kc-dot .kc-i{display:none;width:14px;height:14px;stroke-width:2.6}
.kc-done .kc-dot{border-color:var(--a);background:var(--a);color:var(--at)}
.kc-done .kc-dot .kc-i{display:block}.kc-done .kc-dot b{display:none}
.kc-steps [aria-current]{color:var(--t);font-weight:600}
.kc-steps [aria-current] .kc-dot{border-color:var(--a);color:var(--a)}
.kc-co-body{position:relative;flex:1;display:grid;grid-template-columns:58% 42%;align-items:start;
overflow:auto;overscroll-behavior:contain;background:linear-gradient(90deg,var(--bg) 58%,var(--l) 58% calc(58% + 1px),var(--soft) 0)}
.kc-form{grid-area:1/1;justify-self:end;width:100%;max-width:620px;padding:32px 44px 40px 32px}
.kc-summary{grid-area:1/2;position:sticky;top:0;max-width:480px;padding:32px 36px}
.kc-section{margin-bottom:30px}
.kc-section>h3{margin-bottom:14px;font-size:18px;font-weight:650;letter-spacing:-.01em}
.kc-ship-note{margin-bottom:12px}
.kc-fields{display:grid;gap:14px}
.kc-cols{display:grid;gap:12px;grid-template-columns:repeat(auto-fit,minmax(0,1fr))}
.kc-cols[data-cols="3"]{grid-template-columns:1.2fr 1fr 1fr}
.kc-cols[data-cols="2"]{grid-template-columns:1fr 1fr}
.kc-field label{display:block;margin-bottom:5px;font-size:13.5px;font-weight:600}
.kc-optional{color:var(--m);font-weight:400}
.kc-field input,.kc-field select{display:block;width:100%;height:48px;padding:0 13px;border:1px solid var(--in);border-radius:calc(var(--r) - 2px);
background:var(--bg);color:inherit;font:inherit;font-size:16px;transition:border-color .15s,box-shadow .15s}
.kc-field input::placeholder{color:color-mix(in srgb,var(--t) 45%,var(--bg))}
.kc-field input:focus,.kc-field select:focus{border-color:var(--a);outline:none;box-shadow:0 0 0 3px color-mix(in srgb,var(--a) 22%,transparent)}
.kc-field [aria-invalid=true],.kc-field [aria-invalid=true]:focus{border-color:var(--e)}
.kc-field [aria-invalid=true]:focus{box-shadow:0 0 0 3px color-mix(in srgb,var(--e) 20%,transparent)}
.kc-select{position:relative}
.kc-select select{appearance:none;padding-right:40px;cursor:pointer}
.kc-select .kc-i{position:absolute;right:13px;top:14px;pointer-events:none;color:var(--m)}
.kc-group{min-width:0;margin:0;padding:0;border:0}
.kc-choices{border:1px solid var(--in);border-radius:var(--r);overflow:hidden}
.kc-invalid .kc-choices{border-color:var(--e)}
.kc-choice+.kc-choice{border-top:1px solid var(--l)}
.kc-choice.kc-on{background:var(--tint);box-shadow:inset 0 0 0 1px var(--a)}
.kc-choice>label{display:flex;align-items:center;gap:12px;padding:15px 16px;cursor:pointer}
.kc-choice>label input{flex:none;width:18px;height:18px;margin:0;accent-color:var(--a)}
.kc-choice-main{display:flex;flex:1;flex-wrap:wrap;align-items:center;gap:2px 8px;font-weight:550}
.kc-eta{flex-basis:100%;color:var(--m);font-size:13.5px;font-weight:400}
.kc-choice-side{font-weight:600;white-space:nowrap}
.kc-choice-main .kc-i{width:18px;height:18px;color:var(--m)}
.kc-choice-detail{display:none;padding:0 16px 16px 46px;color:var(--m);font-size:14px}
.kc-on .kc-choice-detail{display:block}
.kc-card{display:grid;gap:12px;margin-left:-30px;color:var(--t)}
.kc-test,.kc-pill{background:#fff3cd;color:#5b4300}
.kc-test{padding:9px 12px;border:1px dashed #c9a227;border-radius:8px;font-size:13.5px}
.kc-pill{padding:2px 8px;border-radius:99px;font-size:11.5px;font-weight:700;letter-spacing:.05em;text-transform:uppercase}
.kc-check{display:flex;gap:11px;align-items:flex-start;margin:0 0 22px}
.kc-check label{cursor:pointer}
.kc-check input{flex:none;width:18px;height:18px;margin:2px 0 0;accent-color:var(--a)}
.kc-recap,.kc-recap-clock{display:none}
.kc-form>.kc-alert{margin-bottom:14px}
.kc-badges{height:${BADGES_HEIGHT}px;margin:10px 0 0}
.kc-foot .kc-badges{margin:-4px 0 8px}
.kc-secure{display:flex;gap:6px;align-items:center;justify-content:center;margin-top:14px;color:var(--m);font-size:13px}
.kc-secure .kc-i{width:15px;height:15px}
.kc-toggle{display:none;width:100%;align-items:center;gap:8px;padding:14px 16px;border:0;background:var(--soft);color:var(--a);cursor:pointer;font-weight:550}
.kc-toggle-total{margin-left:auto;color:var(--t);font-size:17px;font-weight:700}
.kc-expanded .kc-chevron{transform:rotate(180deg)}
.kc-sum-title{margin-bottom:18px;font-size:18px;font-weight:650}
.kc-sum-lines{display:grid;gap:16px;padding:0;list-style:none}
.kc-sum-line{display:grid;grid-template-columns:64px 1fr auto;gap:14px;align-items:center}
.kc-sum-media{position:relative}
.kc-sum-media .kc-thumb{width:64px;height:64px;background:var(--bg)}
.kc-badge{position:absolute;top:-8px;right:-8px;display:grid;place-items:center;min-width:22px;height:22px;padding:0 6px;border-radius:11px;
background:color-mix(in srgb,var(--t) 75%,var(--bg));color:var(--bg);font-size:12px;font-weight:700}
.kc-sum-main{display:flex;flex-direction:column;min-width:0;font-size:14px}
.kc-sum-main .kc-variant,.kc-sum-main .kc-unit{font-size:13px}
.kc-sum-main .kc-link{align-self:flex-start}
.kc-sum-line .kc-line-total{font-size:14px}
.kc-code{margin:20px 0 18px;padding:18px 0;border-block:1px solid var(--l)}
.kc-code-row{display:flex;gap:10px;align-items:flex-start}
.kc-code-row .kc-field{flex:1}
.kc-code-row .kc-btn{height:48px;margin-top:25px}
.kc-applied{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;margin-top:12px;font-size:14px}
.kc-chip{display:inline-flex;align-items:center;gap:6px;padding:4px 10px;border-radius:6px;background:var(--tint);color:var(--a);font-weight:650}
.kc-chip .kc-i{width:15px;height:15px}
.kc-chip-x{display:grid;place-items:center;width:24px;height:24px;margin:-3px -6px -3px 0;border:0;border-radius:50%;background:none;color:inherit;cursor:pointer}
.kc-chip-x:hover{background:color-mix(in srgb,var(--a) 15%,transparent)}
.kc-chip span{font-weight:500}
.kc-chip-off{background:var(--soft);color:var(--m);text-decoration:line-through}
.kc-save{color:var(--a);font-weight:550}
.kc-loading{display:grid;justify-items:center;gap:16px;grid-column:1/-1;padding:80px 24px;color:var(--m)}
.kc-loading .kc-busy{position:relative;width:160px;border-radius:3px}
.kc-done-wrap{grid-column:1/-1;position:relative;background:var(--bg);min-height:100%}
.kc-done-x{position:absolute;top:12px;right:12px}
.kc-done-view{max-width:620px;margin:0 auto;padding:48px 24px}
.kc-done-icon{display:grid;place-items:center;width:56px;height:56px;margin-bottom:18px;border-radius:50%;background:var(--tint);color:var(--a)}
.kc-done-icon .kc-i{width:30px;height:30px;stroke-width:2.2}
.kc-done-title{font-size:26px;font-weight:700;letter-spacing:-.02em;line-height:1.2}
.kc-lead{margin-top:8px;color:var(--m);font-size:16px}
.kc-lead strong{color:var(--t)}
.kc-notice{display:flex;gap:8px;margin-top:16px;padding:10px 12px;border-radius:var(--r);background:var(--soft);font-size:14px}
.kc-notice .kc-i{width:17px;height:17px;margin-top:1px;color:var(--m)}
.kc-box{margin:22px 0;padding:18px 20px;border:1px solid var(--l);border-radius:var(--r)}
.kc-box h3{margin-bottom:10px;font-size:16px}
.kc-next{display:grid;gap:8px;padding-left:18px}
.kc-box .kc-sum-lines{gap:8px;margin-bottom:14px}
.kc-done-line{display:flex;justify-content:space-between;gap:12px}
.kc-fab{position:fixed;right:20px;bottom:20px;display:grid;place-items:center;width:58px;height:58px;border:0;border-radius:50%;
background:var(--a);color:var(--at);box-shadow:0 8px 24px rgb(0 0 0/.25);cursor:pointer}
.kc-fab .kc-i{width:26px;height:26px}
.kc-fab-count{position:absolute;top:-3px;right:-3px;display:grid;place-items:center;min-width:24px;height:24px;padding:0 6px;
border:2px solid var(--a);border-radius:12px;background:var(--at);color:var(--a);font-size:12.5px;font-weight:700}
@media (max-width:800px){
.kc-checkout{width:100vw;height:100dvh;max-height:100dvh;border-radius:0}
.kc-co-head{flex-wrap:wrap;gap:8px 12px;padding:10px 10px 12px 18px}
.kc-brand{flex:1}
.kc-steps{order:3;width:100%;justify-content:center;margin:0}
.kc-co-body{display:block;background:var(--bg)}
.kc-summary{position:static;max-width:none;padding:0;border-bottom:1px solid var(--l);background:var(--soft)}
.kc-toggle{display:flex}
.kc-sum-body{display:none;padding:6px 18px 20px}
.kc-expanded .kc-sum-body{display:block}
.kc-sum-title{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.kc-form{max-width:none;padding:22px 18px 32px}
.kc-recap{display:flex;justify-content:space-between;align-items:baseline;margin-bottom:14px;padding-top:14px;border-top:1px solid var(--l);font-size:16px;font-weight:600}
.kc-recap span+span{font-size:21px;font-weight:700}
.kc-recap-clock{display:block;padding-top:14px;border-top:1px solid var(--l);color:var(--m);font-size:14px}
.kc-recap-clock span{font-weight:600;font-variant-numeric:tabular-nums}
.kc-recap-clock:not([hidden])+.kc-recap{padding-top:6px;border-top:0}
}
@media (max-width:480px){
.kc-cols[data-cols="3"]{grid-template-columns:1fr 1fr}
.kc-cols[data-cols="3"]>:first-child{grid-column:1/-1}
.kc-line{grid-template-columns:64px 1fr auto;gap:12px}
.kc-line .kc-thumb{width:64px;height:64px}
.kc-scroll,.kc-foot{padding-inline:16px}
.kc-head{padding-left:16px}
.kc-steps{gap:5px;font-size:12.5px}
.kc-steps li+li::before{width:12px}
}
@media (max-width:360px){
.kc-steps{gap:12px}
.kc-steps li+li::before{display:none}
}
@media (prefers-reduced-motion:no-preference){
.kc-drawer[open]{animation:kc-in .32s cubic-bezier(.2,.8,.2,1)}
.kc-checkout[open]{animation:kc-up .28s cubic-bezier(.2,.8,.2,1)}
dialog.kc[open]::backdrop{animation:kc-fade .25s ease-out}
.kc-busy::after{animation:kc-bar 1.1s ease-in-out infinite}
.kc-meter::-webkit-progress-value{transition:width .4s}
}
@keyframes kc-in{from{transform:translateX(100%)}}
@keyframes kc-up{from{opacity:0;transform:translateY(24px)}}
@keyframes kc-fade{from{opacity:0}}
@keyframes kc-bar{from{transform:translateX(-100%)}to{transform:translateX(250%)}}
`;
