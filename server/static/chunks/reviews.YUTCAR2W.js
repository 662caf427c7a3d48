import{M as l,N as L,O as R,Q as _,S as r,W as X,e as k,f as b,l as T,m as A,o as V,p as W,q as H,s as q,w as O}from"./shared.HQDUZ5E6.js";var P=(t,e)=>Array.from({length:t+1},(o,n)=>e(n)).join(""),Y=`
:host{display:block}
:host([data-keepcart-stars]){display:inline-block;position:relative!important;vertical-align:middle}
*{box-sizing:border-box}
[hidden]{display:none!important}
.k{--a:var(${T},#9a5800);--at:var(${A},#fff);--r:var(${H},8px);
--tr:color-mix(in srgb,currentColor 16%,transparent);color:var(${V});font-family:var(${W});font-size:15px;line-height:22px}
@media (prefers-color-scheme:dark){.k{--a:var(${T},#f2b552);--at:var(${A},#1b1306)}}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
:focus-visible{outline:3px solid currentColor;outline-offset:2px}
.k :is(h3,p,ul,ol){margin:0}
.st{position:relative;display:inline-block;letter-spacing:1px;color:var(--tr);white-space:nowrap}
.st i{position:absolute;left:0;top:0;overflow:hidden;color:var(--a);font-style:normal}
${P(10,t=>`.s${t} i{width:${t*10}%}`)}
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
${P(20,t=>`.w${t} i{width:${t*5}%}`)}
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
`;var j=(t,e,o)=>`${t} ${t===1?e:o}`,f=t=>j(t,"review","reviews");function v(t,e){let o={minimumFractionDigits:1,maximumFractionDigits:1};try{return new Intl.NumberFormat(e,o).format(t/10)}catch{return(t/10).toFixed(1)}}var I=(t,e,o)=>e?`Rated ${v(t,o)} out of 5, ${f(e)}`:"No reviews yet",N=t=>`Rated ${t} out of 5`,B=t=>Math.min(10,Math.max(0,Math.round(t/5))),K=(t,e)=>e>0?Math.min(20,Math.round(t/e*20)):0,Z=(t,e)=>`${j(t,"star","stars")}: ${f(e)}`;function E(t,e){let o=new Date(`${t}T00:00:00Z`);if(!/^\d{4}-\d\d-\d\d$/.test(t)||Number.isNaN(o.getTime()))return"";try{return new Intl.DateTimeFormat(e,{dateStyle:"medium",timeZone:"UTC"}).format(o)}catch{return t}}var w=t=>Number.isInteger(t)&&t>=0,y=t=>typeof t=="string";function G(t){if(!w(t?.count)||!w(t.average_tenths))return null;let e=[5,4,3,2,1].map(o=>t.distribution?.[o]);return e.every(w)?{...t,rows:e}:null}var J=t=>(Array.isArray(t)?t:[]).filter(e=>y(e?.id)&&Number.isInteger(e.rating)&&e.rating>=1&&e.rating<=5&&[e.title,e.body,e.name,e.date].every(y)&&w(e.helpful)&&(e.reply===null||y(e.reply?.body)&&y(e.reply?.date)));function Q(t,e=50){let o=[...new Set(t.map(s=>String(s).trim()).filter(s=>s&&!s.includes(",")))],n=[];for(let s=0;s<o.length;s+=e)n.push(o.slice(s,s+e));return n}var d={"aria-hidden":"true"},tt={verified:"Verified buyer",imported:"Imported"},lt=[["newest","Newest"],["helpful","Most helpful"]],z=t=>r("span",{class:`st s${B(t)}`,...d},"\u2605\u2605\u2605\u2605\u2605",r("i",null,"\u2605\u2605\u2605\u2605\u2605"));function pt(t,e){let o=t.count;return r("div",{class:"sum"},r("p",{class:"hd"},r("span",{class:"sr"},`Customer reviews: ${I(t.average_tenths,o,e)}`),z(t.average_tenths),o?r("b",d,v(t.average_tenths,e)):null,r("span",{class:"mu",...d},o?`out of 5 \xB7 ${f(o)}`:"No reviews yet")),r("ul",{class:"ds","aria-label":"Ratings"},t.rows.map((n,s)=>r("li",null,r("span",d,`${5-s} \u2605`),r("span",{class:`br w${K(n,o)}`,...d},r("i")),r("span",d,String(n)),r("span",{class:"sr"},Z(5-s,n))))))}function ct(t){let e=(Array.isArray(t)?t:[]).filter(o=>typeof o=="string");return r("details",{class:"how"},r("summary",null,"How reviews work here"),r("ul",null,e.map(o=>r("li",null,o))))}function dt(t,e){let o=_("rt"),n=E(t.date,e.locale),s=r("button",{type:"button",class:"hp","aria-pressed":"false",onclick:()=>e.vote(t.id,s)},`Helpful (${t.helpful})`);return r("li",null,r("article",{"aria-labelledby":o,tabindex:"-1"},r("p",null,z(t.rating*10),r("span",{class:"sr"},N(t.rating))," ",r("span",{class:"lb"},tt[t.label]||tt.imported)),r("h3",{id:o},t.title||N(t.rating)),t.body?r("p",{class:"tx"},t.body):null,r("p",{class:"by"},n?`${t.name} \xB7 ${n}`:t.name),t.reply?r("div",{class:"rp"},r("p",null,`Reply from ${e.shop}`,t.reply.date?` \xB7 ${E(t.reply.date,e.locale)}`:""),r("p",{class:"tx"},t.reply.body)):null,s))}function et(t,e,o){let n=_("rl"),s=r("p",{class:"sr",role:"status"}),a=r("ol",{class:"rv"}),u=r("button",{type:"button",class:"mo",onclick:()=>at()},"More reviews"),p="newest",c=1,M=t.pages,$=(i,g)=>{let h=J(i.reviews).map(x=>dt(x,o));return g?a.append(...h):a.replaceChildren(...h),c=i.page,M=i.pages,u.hidden=c>=M,h},at=async()=>{u.disabled=!0;try{$(await o.load(p,c+1),!0)[0]?.firstChild.focus(),s.textContent=`Showing ${a.children.length} of ${f(e.count)}`}catch{s.textContent="More reviews could not be loaded. Try again."}u.disabled=!1},D=lt.map(([i,g])=>{let F=async()=>{if(i!==p)try{$(await o.load(i,1)),p=i;for(let x of D)x.setAttribute("aria-pressed",String(x===h));s.textContent=`Sorted by ${g.toLowerCase()}`}catch{s.textContent="The reviews could not be sorted. Try again."}},h=r("button",{type:"button","aria-pressed":String(i===p),onclick:F},g);return h}),m=r("div",{class:"ls",id:n,hidden:!0},r("div",{class:"so",role:"group","aria-label":"Sort reviews"},D),a,u);$(t);let U=i=>{C.textContent=i?"Hide reviews":`Show ${f(e.count)}`,C.setAttribute("aria-expanded",String(i))},C=r("button",{type:"button",class:"go","aria-controls":n,onclick:()=>{m.hidden=!m.hidden,U(!m.hidden)}});U(!1);let it=r("div",{class:"row"},e.count?C:"Reviews come only from customers' orders.");return r("section",{class:"k","aria-label":"Customer reviews"},pt(e,o.locale),ct(t.how),it,m,s)}var ot=(t,e,o)=>r("span",{class:"k ks"},z(t),r("span",d,`${v(t,o)} (${e})`),r("span",{class:"sr"},I(t,e,o)));var ut={"Content-Type":"text/plain;charset=UTF-8"},S,rt=t=>`${q}${encodeURIComponent(l.store)}/${t}`,st=()=>l.config.store?.locale||void 0;function nt(t){if(t.shadowRoot)return null;S||(S=new CSSStyleSheet,S.replaceSync(Y));let e=t.attachShadow({mode:"open"});return e.adoptedStyleSheets=[S],e}async function ht(t,e,o){e.disabled=!0;try{let n=await l.request(`${O}${encodeURIComponent(t)}/helpful`,{method:"POST",body:JSON.stringify({store:l.store,visitor:X(l)}),headers:ut});e.textContent=`Helpful (${Number(n?.helpful)||0})`,e.setAttribute("aria-pressed","true"),o.textContent=n?.counted?"Thank you: marked as helpful.":"You marked this review already."}catch{e.disabled=!1,o.textContent="Your vote could not be sent. Try again."}}var ft=R(async t=>{let e=t.getAttribute(k)?.trim();if(!e)return;let o=(p,c)=>l.request(rt(`reviews?sku=${encodeURIComponent(e)}&sort=${p}&page=${c}`)),n=await o("newest",1),s=G(n?.summary),a=s&&nt(t);if(!a)return;let u={load:o,locale:st(),shop:l.config.store?.name||"the shop",vote:(p,c)=>ht(p,c,a.querySelector("[role=status]"))};a.append(et(n,s,u))}),mt=R(async t=>{let e=t.map(o=>o.getAttribute(b));for(let o of Q(e)){let n=await l.request(rt(`ratings?skus=${encodeURIComponent(o.join(","))}`));for(let s of t){let a=n?.[s.getAttribute(b)?.trim()];!(a?.count>0)||!Number.isInteger(a.average_tenths)||nt(s)?.append(ot(a.average_tenths,a.count,st()))}}});function Rt(t){L(t);for(let o of document.querySelectorAll(`[${k}]`))ft(o);let e=[...document.querySelectorAll(`[${b}]`)];e.length&&mt(e)}export{Rt as mount};
