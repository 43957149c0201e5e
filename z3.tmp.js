const zlib = require('zlib'); const orig = zlib.deflateSync; let content;
zlib.deflateSync = (buf, o) => { if (typeof buf === 'string' && buf.length > 20000) content = buf; return orig(buf, o); };
const { renderAtrPdf } = require('./dist/pdf/atr/render');
const { ClosureSchema } = require('./dist/contracts/closure');
const base = ClosureSchema.parse(JSON.parse(require('fs').readFileSync('examples/closure-hi.json','utf8')));
(async () => {
  await renderAtrPdf(base, 'ATR-1', 'https://x');
  console.log(content.slice(0, 1500));
  for (const level of [1,3,6]) { let out; const t=performance.now(); for (let i=0;i<300;i++) out = orig(content, {level}); console.log('level', level, out.length, ((performance.now()-t)/300).toFixed(3)); }
})();
