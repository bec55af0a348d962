import t from 'tap'
import { foldNumber } from '../../src/resources/documents/documents.service.js'

t.test('foldNumber: one form for a number however it is typed', async (t) => {
  for (const typed of ['15/2023/QĐ-UBND', '15/2023/qd-ubnd', '15 2023 QĐ UBND', ' 15–2023–qđ–ubnd ', '15/2023/QĐ-UBND'.normalize('NFD')]) {
    t.equal(foldNumber(typed), '15 2023 qd ubnd', typed)
  }
  t.equal(foldNumber('45-KH/BDVHU'), '45 kh bdvhu')
  t.equal(foldNumber('01/NQ-HĐND'), '01 nq hdnd', 'leading zeros are kept: they are part of the number')
  t.equal(foldNumber(' / - '), '')
})
