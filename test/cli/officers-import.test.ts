/** `sampark-atr officers import`: every row checked; a bad row is reported by line and field and nothing is written. */
import { parseOfficersCsv } from '../../cli/escalations';

const HEADER = 'officerId,name,role,departmentCode,districtCode,whatsappPhone,active';

test('reads good rows, with empty codes as none for the district and state levels', () => {
  const { officers, bad } = parseOfficersCsv(`${HEADER}\nlsg-jpr,Asha Meena,L1,LSG,JPR,9876500001,true\ncol-jpr,Collector Jaipur,L2,,JPR,9876500002,\npgr,PGR Cell,L3,,,+919876500003,no\n`);
  expect(bad).toEqual([]);
  expect(officers.map((o) => [o.officerId, o.role, o.departmentCode, o.districtCode, o.whatsappPhone, o.active])).toEqual([
    ['lsg-jpr', 'L1', 'LSG', 'JPR', '+919876500001', true],
    ['col-jpr', 'L2', null, 'JPR', '+919876500002', true],
    ['pgr', 'L3', null, null, '+919876500003', false],
  ]);
});

test('reports a bad row by its line and each bad field', () => {
  const { bad } = parseOfficersCsv(`${HEADER}\nlsg-jpr,Asha Meena,L1,LSG,JPR,9876500001,true\nx,Someone,L1,,JPR,12,maybe\n`);
  expect(bad).toEqual([
    {
      line: 3,
      fields: expect.arrayContaining([
        { field: 'whatsappPhone', message: 'must be a mobile number: 10 digits, or E.164 such as +919876543210' },
        { field: 'active', message: 'must be true or false' },
      ]),
    },
  ]);
});
