const zlib = require('zlib'); const orig = zlib.deflateSync; const stats = [];
zlib.deflateSync = (buf, o) => { const t = performance.now(); const r = orig(buf, o); stats.push([typeof buf === 'string' ? Buffer.byteLength(buf) : buf.length, r.length, performance.now() - t]); return r; };
const { renderAtrPdf } = require('./dist/pdf/atr/render');
const { ClosureSchema } = require('./dist/contracts/closure');
const base = ClosureSchema.parse(JSON.parse(require('fs').readFileSync('examples/closure-hi.json','utf8')));
(async () => {
  for (let i = 0; i < 200; i++) { stats.length = 0; await renderAtrPdf({ ...base, grievanceId: String(1e11 + i) }, 'ATR-' + i, 'https://sampark.example.in/v1/atr/verify?atr=ATR-' + i); }
  console.log(stats.map(s => s.map(v => +v.toFixed(3)).join('/')).join('  '));
})();
