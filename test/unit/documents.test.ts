import t from 'tap'
import { isInForce, todayInVietnam } from '../../src/resources/documents/documents.hydrate.js'
import { foldNumber } from '../../src/resources/documents/documents.service.js'

t.test('foldNumber: one form for a number however it is typed', async (t) => {
  for (const typed of ['15/2023/QĐ-UBND', '15/2023/qd-ubnd', '15 2023 QĐ UBND', ' 15–2023–qđ–ubnd ', '15/2023/QĐ-UBND'.normalize('NFD')]) {
    t.equal(foldNumber(typed), '15 2023 qd ubnd', typed)
  }
  t.equal(foldNumber('45-KH/BDVHU'), '45 kh bdvhu')
  t.equal(foldNumber('01/NQ-HĐND'), '01 nq hdnd', 'leading zeros are kept: they are part of the number')
  t.equal(foldNumber(' / - '), '')
})

t.test('todayInVietnam: the date in UTC+7, whatever the server zone', async (t) => {
  t.equal(todayInVietnam(new Date('2024-01-14T16:59:59Z')), '2024-01-14')
  t.equal(todayInVietnam(new Date('2024-01-14T17:00:00Z')), '2024-01-15')
})

t.test('isInForce: from the effective day (or the issue day), until the expiry day', async (t) => {
  const doc = { issuedAt: '2024-01-10', effectiveAt: '2024-01-15', expiredAt: '2025-01-01' }
  t.equal(isInForce(doc, '2024-01-14'), false, 'issued, not yet effective')
  t.equal(isInForce(doc, '2024-01-15'), true, 'the effective day')
  t.equal(isInForce(doc, '2024-12-31'), true, 'the last day')
  t.equal(isInForce(doc, '2025-01-01'), false, 'the expiry day is the first day out of force')
  t.equal(isInForce({ ...doc, effectiveAt: null, expiredAt: null }, '2024-01-10'), true, 'without an effective day: from issue, with no end')
})
