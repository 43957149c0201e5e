const { renderAtrPdf } = require('./dist/pdf/atr/render');
const { ClosureSchema } = require('./dist/contracts/closure');
const base = ClosureSchema.parse(JSON.parse(require('fs').readFileSync('examples/closure-hi.json','utf8')));
const GIVEN = ['राम कुमार', 'सुनीता देवी', 'मोहम्मद इरफ़ान', 'प्रियंका', 'ओमप्रकाश', 'Kavita', 'हरिराम', 'ज़ुबैदा', 'भंवरलाल', 'Anil Kumar', 'लक्ष्मण सिंह', 'गीता', 'धर्मेन्द्र', 'क्षमा', 'ऋषभ'];
(async () => {
  for (let i = 0; i < 8000; i++) {
    await renderAtrPdf({ ...base, grievanceId: String(1e11 + i), citizen: { ...base.citizen, name: GIVEN[i % 15] + ' ' + GIVEN[(i * 7) % 15] }, actionTaken: base.actionTaken + ' ' + GIVEN[(i*3)%15] + i }, 'ATR-' + i, 'https://sampark.example.in/v1/atr/verify?atr=ATR-' + i);
    if ((i + 1) % 1000 === 0) { const m = process.memoryUsage(); console.log(i + 1, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1048576)]))); }
  }
})();
