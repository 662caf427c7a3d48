function n(e){let t=2166136261;for(let o of new TextEncoder().encode(e))t=Math.imul(t^o,16777619)>>>0;return t}var c=(e,t)=>n(`${e}:${t}`)%100,F=(e,t,o)=>c(e,t)<(o||0);export{F as a};
