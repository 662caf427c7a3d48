import{Q as l,R as X,S as A,U as _,W as o,_ as B,g as C,h as w,n as k,o as T,q as D,r as H,s as O,u as F,y as L}from"./shared.ERTSZC4W.js";var P=(t,e)=>Array.from({length:t+1},(r,n)=>e(n)).join(""),j=`
:host{display:block}
:host([data-keepcart-stars]){display:inline-block;position:relative!important}
*{box-sizing:border-box}
[hidden]{display:none!important}
.k{--a:var(${k},#9a5800);--at:var(${T},#fff);--r:var(${O},8px);
--tr:color-mix(in srgb,currentColor 16%,transparent);color:var(${D});font-family:var(${H});font-size:15px;line-height:22px}
@media (prefers-color-scheme:dark){.k{--a:var(${k},#f2b552);--at:var(${T},#1b1306)}}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
:focus-visible{outline:3px solid currentColor;outline-offset:2px}
.k :is(h3,p,ul,ol){margin:0}
.st{position:relative;display:inline-block;letter-spacing:1px;color:var(--tr);white-space:nowrap}
.st i{position:absolute;left:0;top:0;overflow:hidden;color:var(--a);font-style:normal}
${P(10,t=>`.s${t} i{width:${t*10}%}`)}
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
${P(20,t=>`.w${t} i{width:${t*5}%}`)}
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
`;var Y=(t,e,r)=>`${t} ${t===1?e:r}`,f=t=>Y(t,"review","reviews"),I=(t,e)=>typeof e=="string"&&e.length<9?e:(t/10).toFixed(1),N=(t,e)=>e?`Rated ${t} out of 5, ${f(e)}`:"No reviews yet",z=t=>`Rated ${t} out of 5`,K=t=>Math.min(10,Math.max(0,Math.round(t/5))),Z=(t,e)=>e>0?Math.min(20,Math.round(t/e*20)):0,G=(t,e)=>`${Y(t,"star","stars")}: ${f(e)}`,R=new Map;function E(t,e){let r=new Date(`${t}T00:00:00Z`);if(!/^\d{4}-\d\d-\d\d$/.test(t)||Number.isNaN(r.getTime()))return"";if(!R.has(e)){let n=null;try{n=new Intl.DateTimeFormat(e,{dateStyle:"medium",timeZone:"UTC"})}catch{}R.set(e,n)}return R.get(e)?.format(r)||t}var y=t=>Number.isInteger(t)&&t>=0,b=t=>typeof t=="string";function J(t){if(!y(t?.count)||!y(t.average_tenths))return null;let e=[5,4,3,2,1].map(n=>t.distribution?.[n]),r=I(t.average_tenths,t.average);return e.every(y)?{...t,rows:e,text:r}:null}var Q=t=>(Array.isArray(t)?t:[]).filter(e=>b(e?.id)&&Number.isInteger(e.rating)&&e.rating>=1&&e.rating<=5&&[e.title,e.body,e.name,e.date].every(b)&&y(e.helpful)&&(e.reply===null||b(e.reply?.body)&&b(e.reply?.date)));function tt(t,e=50){let r=[...new Set(t.map(s=>String(s).trim()).filter(s=>s&&!s.includes(",")))],n=[];for(let s=0;s<r.length;s+=e)n.push(r.slice(s,s+e));return n}var d={"aria-hidden":"true"},et={verified:"Verified buyer",imported:"Imported"},lt=[["newest","Newest"],["helpful","Most helpful"]],M=t=>o("span",{class:`st s${K(t)}`,...d},"\u2605\u2605\u2605\u2605\u2605",o("i",null,"\u2605\u2605\u2605\u2605\u2605"));function pt(t){let e=t.count;return o("div",{class:"sum"},o("p",{class:"hd"},o("span",{class:"sr"},`Customer reviews: ${N(t.text,e)}`),M(t.average_tenths),e?o("b",d,t.text):null,o("span",{class:"mu",...d},e?[o("span",{class:"o5"},"out of 5\xA0"),`\xB7 ${f(e)}`]:"No reviews yet")),o("ul",{class:"ds","aria-label":"Ratings"},t.rows.map((r,n)=>o("li",null,o("span",d,`${5-n} \u2605`),o("span",{class:`br w${Z(r,e)}`,...d},o("i")),o("span",d,String(r)),o("span",{class:"sr"},G(5-n,r))))))}function ct(t){let e=(Array.isArray(t)?t:[]).filter(r=>typeof r=="string");return o("details",{class:"how"},o("summary",null,"How reviews work here"),o("ul",null,e.map(r=>o("li",null,r))))}function dt(t,e){let r=_("rt"),n=E(t.date,e.locale),s=o("button",{type:"button",class:"hp","aria-pressed":"false",onclick:()=>e.vote(t.id,s)},`Helpful (${t.helpful})`);return o("li",null,o("article",{"aria-labelledby":r,tabindex:"-1"},o("p",null,M(t.rating*10),o("span",{class:"sr"},z(t.rating))," ",o("span",{class:"lb"},et[t.label]||et.imported)),o("h3",{id:r},t.title||z(t.rating)),t.body?o("p",{class:"tx"},t.body):null,o("p",{class:"by"},n?`${t.name} \xB7 ${n}`:t.name),t.reply?o("div",{class:"rp"},o("p",null,`Reply from ${e.shop}`,t.reply.date?` \xB7 ${E(t.reply.date,e.locale)}`:""),o("p",{class:"tx"},t.reply.body)):null,s))}function ot(t,e,r){let n=_("rl"),s=o("p",{class:"sr",role:"status"}),a=o("ol",{class:"rv"}),u=o("button",{type:"button",class:"mo",onclick:()=>at()},"More reviews"),p="newest",c=1,U=t.pages,S=(i,g)=>{let h=Q(i.reviews).map(x=>dt(x,r));return g?a.append(...h):a.replaceChildren(...h),c=i.page,U=i.pages,u.hidden=c>=U,h},at=async()=>{u.disabled=!0;try{S(await r.load(p,c+1),!0)[0]?.firstChild.focus(),s.textContent=`Showing ${a.children.length} of ${f(e.count)}`}catch{s.textContent="More reviews could not be loaded. Try again."}u.disabled=!1},V=lt.map(([i,g])=>{let q=async()=>{if(i!==p)try{S(await r.load(i,1)),p=i;for(let x of V)x.setAttribute("aria-pressed",String(x===h));s.textContent=`Sorted by ${g.toLowerCase()}`}catch{s.textContent="The reviews could not be sorted. Try again."}},h=o("button",{type:"button","aria-pressed":String(i===p),onclick:q},g);return h}),m=o("div",{class:"ls",id:n,hidden:!0},o("div",{class:"so",role:"group","aria-label":"Sort reviews"},V),a,u),W=i=>{$.textContent=i?"Hide reviews":`Show ${f(e.count)}`,$.setAttribute("aria-expanded",String(i))},$=o("button",{type:"button",class:"go","aria-controls":n,onclick:()=>{t&&S(t),t=null,m.hidden=!m.hidden,W(!m.hidden)}});W(!1);let it=o("div",{class:"row"},e.count?$:"Buyers can review it from their order.");return o("section",{class:"k","aria-label":"Customer reviews"},pt(e),ct(t.how),it,m,s)}function rt(t){let e=I(t.average_tenths,t.average);return o("span",{class:"k ks"},M(t.average_tenths),o("span",d,`${e} (${t.count})`),o("span",{class:"sr"},N(e,t.count)))}var ut={"Content-Type":"text/plain;charset=UTF-8"},v,nt=t=>`${F}${encodeURIComponent(l.store)}/${t}`,ht=()=>l.config.store?.locale||void 0;function st(t){if(t.shadowRoot)return null;v||(v=new CSSStyleSheet,v.replaceSync(j));let e=t.attachShadow({mode:"open"});return e.adoptedStyleSheets=[v],e}async function ft(t,e,r){if(!e.getAttribute("aria-disabled")){e.setAttribute("aria-disabled","true");try{let n=await l.request(`${L}${encodeURIComponent(t)}/helpful`,{method:"POST",body:JSON.stringify({store:l.store,visitor:B(l)}),headers:ut});e.textContent=`Helpful (${Number(n?.helpful)||0})`,e.setAttribute("aria-pressed","true"),r.textContent=n?.counted?"Thank you: marked as helpful.":"Already marked from this device or network."}catch(n){if(n?.code==="daily_vote_limit"){r.textContent="This connection has reached today's limit of helpful votes.";return}e.removeAttribute("aria-disabled"),r.textContent="Your vote could not be sent. Try again."}}}var mt=A(async t=>{let e=t.getAttribute(C)?.trim();if(!e)return;let r=(p,c)=>l.request(nt(`reviews?sku=${encodeURIComponent(e)}&sort=${p}&page=${c}`)),n=await r("newest",1),s=J(n?.summary),a=s&&st(t);if(!a)return;let u={load:r,locale:ht(),shop:l.config.store?.name||"the shop",vote:(p,c)=>ft(p,c,a.querySelector("[role=status]"))};a.append(ot(n,s,u))}),gt=A(async t=>{let e=t.map(r=>r.getAttribute(w));for(let r of tt(e)){let n=await l.request(nt(`ratings?skus=${encodeURIComponent(r.join(","))}`));for(let s of t){let a=n?.[s.getAttribute(w)?.trim()];!(a?.count>0)||!Number.isInteger(a.average_tenths)||st(s)?.append(rt(a))}}});function Rt(t){X(t);for(let r of document.querySelectorAll(`[${C}]`))mt(r);let e=[...document.querySelectorAll(`[${w}]`)];e.length&&gt(e)}export{Rt as mount};
