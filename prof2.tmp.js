const fs=require('fs'); const dir='/tmp/prof3'; const f=fs.readdirSync(dir).sort().pop(); const p=JSON.parse(fs.readFileSync(dir+'/'+f));
const byId=new Map(p.nodes.map(n=>[n.id,n])); const dt=p.timeDeltas; const counts=new Map(); p.samples.forEach((s,i)=>counts.set(s,(counts.get(s)||0)+(dt[i]||0)));
const parent=new Map(); for (const n of p.nodes) for (const c of (n.children||[])) parent.set(c,n.id);
const self=new Map(); for (const [id,t] of counts) { const n=byId.get(id); const k=(n.callFrame.url.split('/').slice(-2).join('/'))+':'+n.callFrame.functionName; self.set(k,(self.get(k)||0)+t); }
const tot=[...counts.values()].reduce((a,b)=>a+b,0); console.log('total ms', tot/1000);
for (const [k,t] of [...self].sort((a,b)=>b[1]-a[1]).slice(0,25)) console.log((t/1000).toFixed(1).padStart(8),'ms', k);
const incl=new Map(); for (const [id,t] of counts){ const seen=new Set(); let cur=id; while(cur){ const n=byId.get(cur); const k=(n.callFrame.url.split('/').slice(-2).join('/'))+':'+n.callFrame.functionName; if(!seen.has(k)){seen.add(k); incl.set(k,(incl.get(k)||0)+t);} cur=parent.get(cur);} }
console.log('--- inclusive'); for (const [k,t] of [...incl].sort((a,b)=>b[1]-a[1]).slice(0,40)) console.log((t/1000).toFixed(1).padStart(8),'ms', k);
