import{O as l,P as X,Q as A,S as R,U as o,Y as P,e as C,f as b,l as k,m as T,o as H,p as q,q as O,s as F,w as L}from"./shared.35MV66S2.js";var Y=(t,e)=>Array.from({length:t+1},(r,s)=>e(s)).join(""),j=`
:host{display:block}
:host([data-keepcart-stars]){display:inline-block;position:relative!important}
*{box-sizing:border-box}
[hidden]{display:none!important}
.k{--a:var(${k},#9a5800);--at:var(${T},#fff);--r:var(${O},8px);
--tr:color-mix(in srgb,currentColor 16%,transparent);color:var(${H});font-family:var(${q});font-size:15px;line-height:22px}
@media (prefers-color-scheme:dark){.k{--a:var(${k},#f2b552);--at:var(${T},#1b1306)}}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
:focus-visible{outline:3px solid currentColor;outline-offset:2px}
.k :is(h3,p,ul,ol){margin:0}
.st{position:relative;display:inline-block;letter-spacing:1px;color:var(--tr);white-space:nowrap}
.st i{position:absolute;left:0;top:0;overflow:hidden;color:var(--a);font-style:normal}
${Y(10,t=>`.s${t} i{width:${t*10}%}`)}
.sum{height:176px;padding-top:12px;overflow:hidden}
.hd{display:flex;align-items:center;gap:8px;height:28px;margin-bottom:10px!important;font-size:17px;line-height:28px;
white-space:nowrap;overflow:hidden}
.hd .st{font-size:19px}
.hd b{font-size:19px}
.mu{overflow:hidden;text-overflow:ellipsis}
.ds{list-style:none;padding:0!important;display:grid;grid-template-rows:repeat(5,22px);row-gap:4px;height:126px}
.ds li{display:grid;grid-template-columns:42px 1fr 40px;align-items:center;gap:8px;font-size:13px;white-space:nowrap}
.ds span:last-of-type{text-align:end}
.br{height:8px;border-radius:4px;background:var(--tr);overflow:hidden}
.br i{display:block;height:100%;background:var(--a)}
${Y(20,t=>`.w${t} i{width:${t*5}%}`)}
.how{margin-top:8px}
.how summary{height:44px;display:flex;align-items:center;cursor:pointer;font-weight:600;white-space:nowrap;overflow:hidden}
.how ul{padding:4px 0 8px 20px}
.row{display:flex;align-items:center;height:44px;margin-top:8px;white-space:nowrap;overflow:hidden}
button{font:inherit;color:inherit;min-height:44px;padding:0 16px;border:1px solid currentColor;border-radius:var(--r);
background:none;cursor:pointer}
button:disabled{cursor:default;opacity:.7}
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
.by{font-size:14px}
.rp{border-inline-start:3px solid var(--tr);padding-inline-start:12px;margin-top:4px}
.rp p:first-child{font-size:14px;font-weight:600}
.hp{justify-self:start;min-height:36px;font-size:14px}
.mo{margin-top:8px}
.ks{position:absolute;left:0;top:0;height:100%;display:flex;align-items:center;gap:4px;font-size:14px;line-height:20px;
white-space:nowrap}
`;var B=(t,e,r)=>`${t} ${t===1?e:r}`,f=t=>B(t,"review","reviews"),I=(t,e)=>typeof e=="string"&&e.length<9?e:(t/10).toFixed(1),N=(t,e)=>e?`Rated ${t} out of 5, ${f(e)}`:"No reviews yet",E=t=>`Rated ${t} out of 5`,K=t=>Math.min(10,Math.max(0,Math.round(t/5))),Z=(t,e)=>e>0?Math.min(20,Math.round(t/e*20)):0,G=(t,e)=>`${B(t,"star","stars")}: ${f(e)}`,_=new Map;function z(t,e){let r=new Date(`${t}T00:00:00Z`);if(!/^\d{4}-\d\d-\d\d$/.test(t)||Number.isNaN(r.getTime()))return"";if(!_.has(e)){let s=null;try{s=new Intl.DateTimeFormat(e,{dateStyle:"medium",timeZone:"UTC"})}catch{}_.set(e,s)}return _.get(e)?.format(r)||t}var y=t=>Number.isInteger(t)&&t>=0,w=t=>typeof t=="string";function J(t){if(!y(t?.count)||!y(t.average_tenths))return null;let e=[5,4,3,2,1].map(s=>t.distribution?.[s]),r=I(t.average_tenths,t.average);return e.every(y)?{...t,rows:e,text:r}:null}var Q=t=>(Array.isArray(t)?t:[]).filter(e=>w(e?.id)&&Number.isInteger(e.rating)&&e.rating>=1&&e.rating<=5&&[e.title,e.body,e.name,e.date].every(w)&&y(e.helpful)&&(e.reply===null||w(e.reply?.body)&&w(e.reply?.date)));function tt(t,e=50){let r=[...new Set(t.map(n=>String(n).trim()).filter(n=>n&&!n.includes(",")))],s=[];for(let n=0;n<r.length;n+=e)s.push(r.slice(n,n+e));return s}var d={"aria-hidden":"true"},et={verified:"Verified buyer",imported:"Imported"},lt=[["newest","Newest"],["helpful","Most helpful"]],M=t=>o("span",{class:`st s${K(t)}`,...d},"\u2605\u2605\u2605\u2605\u2605",o("i",null,"\u2605\u2605\u2605\u2605\u2605"));function pt(t){let e=t.count;return o("div",{class:"sum"},o("p",{class:"hd"},o("span",{class:"sr"},`Customer reviews: ${N(t.text,e)}`),M(t.average_tenths),e?o("b",d,t.text):null,o("span",{class:"mu",...d},e?`out of 5 \xB7 ${f(e)}`:"No reviews yet")),o("ul",{class:"ds","aria-label":"Ratings"},t.rows.map((r,s)=>o("li",null,o("span",d,`${5-s} \u2605`),o("span",{class:`br w${Z(r,e)}`,...d},o("i")),o("span",d,String(r)),o("span",{class:"sr"},G(5-s,r))))))}function ct(t){let e=(Array.isArray(t)?t:[]).filter(r=>typeof r=="string");return o("details",{class:"how"},o("summary",null,"How reviews work here"),o("ul",null,e.map(r=>o("li",null,r))))}function dt(t,e){let r=R("rt"),s=z(t.date,e.locale),n=o("button",{type:"button",class:"hp","aria-pressed":"false",onclick:()=>e.vote(t.id,n)},`Helpful (${t.helpful})`);return o("li",null,o("article",{"aria-labelledby":r,tabindex:"-1"},o("p",null,M(t.rating*10),o("span",{class:"sr"},E(t.rating))," ",o("span",{class:"lb"},et[t.label]||et.imported)),o("h3",{id:r},t.title||E(t.rating)),t.body?o("p",{class:"tx"},t.body):null,o("p",{class:"by"},s?`${t.name} \xB7 ${s}`:t.name),t.reply?o("div",{class:"rp"},o("p",null,`Reply from ${e.shop}`,t.reply.date?` \xB7 ${z(t.reply.date,e.locale)}`:""),o("p",{class:"tx"},t.reply.body)):null,n))}function ot(t,e,r){let s=R("rl"),n=o("p",{class:"sr",role:"status"}),a=o("ol",{class:"rv"}),u=o("button",{type:"button",class:"mo",onclick:()=>at()},"More reviews"),p="newest",c=1,U=t.pages,S=(i,m)=>{let h=Q(i.reviews).map(x=>dt(x,r));return m?a.append(...h):a.replaceChildren(...h),c=i.page,U=i.pages,u.hidden=c>=U,h},at=async()=>{u.disabled=!0;try{S(await r.load(p,c+1),!0)[0]?.firstChild.focus(),n.textContent=`Showing ${a.children.length} of ${f(e.count)}`}catch{n.textContent="More reviews could not be loaded. Try again."}u.disabled=!1},V=lt.map(([i,m])=>{let D=async()=>{if(i!==p)try{S(await r.load(i,1)),p=i;for(let x of V)x.setAttribute("aria-pressed",String(x===h));n.textContent=`Sorted by ${m.toLowerCase()}`}catch{n.textContent="The reviews could not be sorted. Try again."}},h=o("button",{type:"button","aria-pressed":String(i===p),onclick:D},m);return h}),g=o("div",{class:"ls",id:s,hidden:!0},o("div",{class:"so",role:"group","aria-label":"Sort reviews"},V),a,u),W=i=>{$.textContent=i?"Hide reviews":`Show ${f(e.count)}`,$.setAttribute("aria-expanded",String(i))},$=o("button",{type:"button",class:"go","aria-controls":s,onclick:()=>{t&&S(t),t=null,g.hidden=!g.hidden,W(!g.hidden)}});W(!1);let it=o("div",{class:"row"},e.count?$:"Reviews come only from customers' orders.");return o("section",{class:"k","aria-label":"Customer reviews"},pt(e),ct(t.how),it,g,n)}function rt(t){let e=I(t.average_tenths,t.average);return o("span",{class:"k ks"},M(t.average_tenths),o("span",d,`${e} (${t.count})`),o("span",{class:"sr"},N(e,t.count)))}var ut={"Content-Type":"text/plain;charset=UTF-8"},v,st=t=>`${F}${encodeURIComponent(l.store)}/${t}`,ht=()=>l.config.store?.locale||void 0;function nt(t){if(t.shadowRoot)return null;v||(v=new CSSStyleSheet,v.replaceSync(j));let e=t.attachShadow({mode:"open"});return e.adoptedStyleSheets=[v],e}async function ft(t,e,r){e.disabled=!0;try{let s=await l.request(`${L}${encodeURIComponent(t)}/helpful`,{method:"POST",body:JSON.stringify({store:l.store,visitor:P(l)}),headers:ut});e.textContent=`Helpful (${Number(s?.helpful)||0})`,e.setAttribute("aria-pressed","true"),r.textContent=s?.counted?"Thank you: marked as helpful.":"You marked this review already."}catch{e.disabled=!1,r.textContent="Your vote could not be sent. Try again."}}var gt=A(async t=>{let e=t.getAttribute(C)?.trim();if(!e)return;let r=(p,c)=>l.request(st(`reviews?sku=${encodeURIComponent(e)}&sort=${p}&page=${c}`)),s=await r("newest",1),n=J(s?.summary),a=n&&nt(t);if(!a)return;let u={load:r,locale:ht(),shop:l.config.store?.name||"the shop",vote:(p,c)=>ft(p,c,a.querySelector("[role=status]"))};a.append(ot(s,n,u))}),mt=A(async t=>{let e=t.map(r=>r.getAttribute(b));for(let r of tt(e)){let s=await l.request(st(`ratings?skus=${encodeURIComponent(r.join(","))}`));for(let n of t){let a=s?.[n.getAttribute(b)?.trim()];!(a?.count>0)||!Number.isInteger(a.average_tenths)||nt(n)?.append(rt(a))}}});function _t(t){X(t);for(let r of document.querySelectorAll(`[${C}]`))gt(r);let e=[...document.querySelectorAll(`[${b}]`)];e.length&&mt(e)}export{_t as mount};
