import{Q as p,R as P,S as _,U as R,W as o,_ as X,g as k,h as b,n as T,o as A,q as D,r as H,s as O,u as F,y as L}from"./shared.XIL4DAXS.js";var B=(t,e)=>Array.from({length:t+1},(r,n)=>e(n)).join(""),j=`
:host{display:block}
:host([data-keepcart-stars]){display:inline-block;position:relative!important}
*{box-sizing:border-box}
[hidden]{display:none!important}
.k{--a:var(${T},#9a5800);--at:var(${A},#fff);--r:var(${O},8px);
--tr:color-mix(in srgb,currentColor 16%,transparent);color:var(${D});font-family:var(${H});font-size:15px;line-height:22px}
@media (prefers-color-scheme:dark){.k{--a:var(${T},#f2b552);--at:var(${A},#1b1306)}}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
:focus-visible{outline:3px solid currentColor;outline-offset:2px}
.k :is(h3,p,ul,ol){margin:0}
.st{position:relative;display:inline-block;letter-spacing:1px;color:var(--tr);white-space:nowrap}
.st i{position:absolute;left:0;top:0;overflow:hidden;color:var(--a);font-style:normal}
${B(10,t=>`.s${t} i{width:${t*10}%}`)}
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
${B(20,t=>`.w${t} i{width:${t*5}%}`)}
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
`;var Y=(t,e,r)=>`${t} ${t===1?e:r}`,m=t=>Y(t,"review","reviews"),N=(t,e)=>typeof e=="string"&&e.length<9?e:(t/10).toFixed(1),z=(t,e)=>e?`Rated ${t} out of 5, ${m(e)}`:"No reviews yet",E=t=>`Rated ${t} out of 5`,K=t=>Math.min(10,Math.max(0,Math.round(t/5))),Z=(t,e)=>e>0?Math.min(20,Math.round(t/e*20)):0,G=(t,e)=>`${Y(t,"star","stars")}: ${m(e)}`,I=new Map;function M(t,e){let r=new Date(`${t}T00:00:00Z`);if(!/^\d{4}-\d\d-\d\d$/.test(t)||Number.isNaN(r.getTime()))return"";if(!I.has(e)){let n=null;try{n=new Intl.DateTimeFormat(e,{dateStyle:"medium",timeZone:"UTC"})}catch{}I.set(e,n)}return I.get(e)?.format(r)||t}var v=t=>Number.isInteger(t)&&t>=0,y=t=>typeof t=="string";function J(t){if(!v(t?.count)||!v(t.average_tenths))return null;let e=[5,4,3,2,1].map(n=>t.distribution?.[n]),r=N(t.average_tenths,t.average);return e.every(v)?{...t,rows:e,text:r}:null}var Q=t=>(Array.isArray(t)?t:[]).filter(e=>y(e?.id)&&Number.isInteger(e.rating)&&e.rating>=1&&e.rating<=5&&[e.title,e.body,e.name,e.date].every(y)&&v(e.helpful)&&(e.reply===null||y(e.reply?.body)&&y(e.reply?.date)));function tt(t,e=50){let r=[...new Set(t.map(s=>String(s).trim()).filter(s=>s&&!s.includes(",")))],n=[];for(let s=0;s<r.length;s+=e)n.push(r.slice(s,s+e));return n}var c={"aria-hidden":"true"},et={verified:"Verified buyer",imported:"Imported"},lt=[["newest","Newest"],["helpful","Most helpful"]],U=t=>o("span",{class:`st s${K(t)}`,...c},"\u2605\u2605\u2605\u2605\u2605",o("i",null,"\u2605\u2605\u2605\u2605\u2605"));function pt(t){let e=t.count;return o("div",{class:"sum"},o("p",{class:"hd"},o("span",{class:"sr"},`Customer reviews: ${z(t.text,e)}`),U(t.average_tenths),e?o("b",c,t.text):null,o("span",{class:"mu",...c},e?[o("span",{class:"o5"},"out of 5\xA0"),`\xB7 ${m(e)}`]:"No reviews yet")),o("ul",{class:"ds","aria-label":"Ratings"},t.rows.map((r,n)=>o("li",null,o("span",c,`${5-n} \u2605`),o("span",{class:`br w${Z(r,e)}`,...c},o("i")),o("span",c,String(r)),o("span",{class:"sr"},G(5-n,r))))))}function ct(t){let e=(Array.isArray(t)?t:[]).filter(r=>typeof r=="string");return o("details",{class:"how"},o("summary",null,"How reviews work here"),o("ul",null,e.map(r=>o("li",null,r))))}function dt(t,e){let r=R("rt"),n=M(t.date,e.locale),s=o("button",{type:"button",class:"hp","aria-pressed":"false",onclick:()=>e.vote(t.id,s)},`Helpful (${t.helpful})`);return o("li",null,o("article",{"aria-labelledby":r,tabindex:"-1"},o("p",null,U(t.rating*10),o("span",{class:"sr"},E(t.rating))," ",o("span",{class:"lb"},et[t.label]||et.imported)),o("h3",{id:r},t.title||E(t.rating)),t.body?o("p",{class:"tx"},t.body):null,o("p",{class:"by"},n?`${t.name} \xB7 ${n}`:t.name),t.reply?o("div",{class:"rp"},o("p",null,`Reply from ${e.shop}`,t.reply.date?` \xB7 ${M(t.reply.date,e.locale)}`:""),o("p",{class:"tx"},t.reply.body)):null,s))}function ot(t,e,r){let n=R("rl"),s=o("p",{class:"sr",role:"status"}),a=o("ol",{class:"rv"}),d=o("button",{type:"button",class:"mo",onclick:()=>at()},"More reviews"),u="newest",l=1,h=t.pages,$=(i,x)=>{let f=Q(i.reviews).map(w=>dt(w,r));return x?a.append(...f):a.replaceChildren(...f),l=i.page,h=i.pages,d.hidden=l>=h,f},at=async()=>{d.disabled=!0;try{$(await r.load(u,l+1),!0)[0]?.firstChild.focus(),s.textContent=`Showing ${a.children.length} of ${m(e.count)}`}catch{s.textContent="More reviews could not be loaded. Try again."}d.disabled=!1},V=lt.map(([i,x])=>{let q=async()=>{if(i!==u)try{$(await r.load(i,1)),u=i;for(let w of V)w.setAttribute("aria-pressed",String(w===f));s.textContent=`Sorted by ${x.toLowerCase()}`}catch{s.textContent="The reviews could not be sorted. Try again."}},f=o("button",{type:"button","aria-pressed":String(i===u),onclick:q},x);return f}),g=o("div",{class:"ls",id:n,hidden:!0},o("div",{class:"so",role:"group","aria-label":"Sort reviews"},V),a,d),W=i=>{C.textContent=i?"Hide reviews":`Show ${m(e.count)}`,C.setAttribute("aria-expanded",String(i))},C=o("button",{type:"button",class:"go","aria-controls":n,onclick:()=>{t&&$(t),t=null,g.hidden=!g.hidden,W(!g.hidden)}});W(!1);let it=o("div",{class:"row"},e.count?C:"Buyers can review it from their order.");return o("section",{class:"k","aria-label":"Customer reviews"},pt(e),ct(t.how),it,g,s)}function rt(t){let e=N(t.average_tenths,t.average);return o("span",{class:"k ks"},U(t.average_tenths),o("span",c,`${e} (${t.count})`),o("span",{class:"sr"},z(e,t.count)))}var ut={"Content-Type":"text/plain;charset=UTF-8"},S,nt=t=>`${F}${encodeURIComponent(p.store)}/${t}`,ht=()=>p.config.store?.locale||void 0;function st(t){if(t.shadowRoot)return null;S||(S=new CSSStyleSheet,S.replaceSync(j));let e=t.attachShadow({mode:"open"});return e.adoptedStyleSheets=[S],e}async function ft(t,e,r){if(!e.getAttribute("aria-disabled")){e.setAttribute("aria-disabled","true");try{let n=await p.request(`${L}${encodeURIComponent(t)}/helpful`,{method:"POST",body:JSON.stringify({store:p.store,visitor:X(p)}),headers:ut});e.textContent=`Helpful (${Number(n?.helpful)||0})`,e.setAttribute("aria-pressed","true"),r.textContent=n?.counted?"Thank you: marked as helpful.":"Already marked from this device or network."}catch(n){if(n?.code==="daily_vote_limit"){r.textContent="This connection has reached today's limit of helpful votes.";return}e.removeAttribute("aria-disabled"),r.textContent="Your vote could not be sent. Try again."}}}var mt=_(async t=>{let e=t.getAttribute(k)?.trim();if(!e)return;let r=(l,h)=>p.request(nt(`reviews?sku=${encodeURIComponent(e)}&sort=${l}&page=${h}`)),n=await r("newest",1),s=J(n?.summary);if(!s||t.shadowRoot)return;let a,d={load:r,locale:ht(),shop:p.config.store?.name||"the shop",vote:(l,h)=>ft(l,h,a.querySelector("[role=status]"))},u=ot(n,s,d);await new Promise(l=>setTimeout(l)),a=st(t),a?.append(u)}),gt=_(async t=>{let e=t.map(r=>r.getAttribute(b));for(let r of tt(e)){let n=await p.request(nt(`ratings?skus=${encodeURIComponent(r.join(","))}`));for(let s of t){let a=n?.[s.getAttribute(b)?.trim()];!(a?.count>0)||!Number.isInteger(a.average_tenths)||st(s)?.append(rt(a))}}});function Rt(t){P(t);for(let r of document.querySelectorAll(`[${k}]`))mt(r);let e=[...document.querySelectorAll(`[${b}]`)];e.length&&gt(e)}export{Rt as mount};
