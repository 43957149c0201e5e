const { renderAtrPdf } = require('./dist/pdf/atr/render');
const { ClosureSchema } = require('./dist/contracts/closure');
const base = ClosureSchema.parse(JSON.parse(require('fs').readFileSync('examples/closure-hi.json','utf8')));
(async () => {
  for (let i = 0; i < 300; i++) await renderAtrPdf({ ...base, grievanceId: String(1e11 + i), actionTaken: base.actionTaken + i }, 'ATR-' + i, 'https://sampark.example.in/v1/atr/verify?atr=ATR-' + i + '&g=1&d=2026-11-27&h=AAAAAAAAAAAAAAAAAAAAAA&k=k1&s=BBBBBBBBBBBBBBBBBBBBBB');
})();
