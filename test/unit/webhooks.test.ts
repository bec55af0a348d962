import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { loadConfig } from '../../src/config.js'
import { signatures } from '../../src/resources/webhooks/webhooks.delivery.js'
import { subscribes } from '../../src/resources/webhooks/webhooks.events.js'
import { retryDelay } from '../../src/resources/webhooks/webhooks.queue.js'

t.test('signatures match the Standard Webhooks test vector and the reference library', async (t) => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
  const body = '{"test": 2432232314}'
  t.equal(signatures([secret], 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  const other = 'whsec_' + Buffer.alloc(24, 7).toString('base64')
  const both = signatures([other, secret], 'msg_1', 1614265330, body)
  t.equal(both.split(' ')[1], new Webhook(secret).sign('msg_1', new Date(1614265330_000), body))
})

t.test('the default retry schedule lasts more than 24 hours; jitter only lengthens a wait, by 20 % at most', async (t) => {
  const { retrySchedule } = loadConfig({}).webhooks
  t.same(retrySchedule, [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000])
  t.ok(retrySchedule.reduce((a, b) => a + b, 0) >= 24 * 3_600_000)
  t.equal(retryDelay(retrySchedule, 1, () => 0), 5_000)
  t.equal(retryDelay(retrySchedule, 1, () => 0.999999), 6_000)
  t.equal(retryDelay(retrySchedule, 8, () => 0.5), null, 'after the last attempt: failed')
  t.same(loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0, 250ms, 2s, 1m, 1h, 1d' }).webhooks.retrySchedule, [0, 250, 2_000, 60_000, 3_600_000, 86_400_000])
  t.throws(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE: '0,soon' }), /WEBHOOK_RETRY_SCHEDULE/)
  t.throws(() => loadConfig({ WEBHOOK_TIMEOUT: '-1s' }), /WEBHOOK_TIMEOUT/)
  t.equal(loadConfig({ WEBHOOK_TIMEOUT: '2s', WEBHOOK_CONNECT_TIMEOUT: '5s' }).webhooks.connectTimeoutMs, 2_000, 'never longer than the whole attempt')
})

t.test('a webhook subscribes to names, to all of a type, or to everything', async (t) => {
  t.ok(subscribes(['*'], 'media.deleted'))
  t.ok(subscribes(['article.*'], 'article.published'))
  t.notOk(subscribes(['article.*'], 'media.created'))
  t.ok(subscribes(['person.updated', 'article.published'], 'article.published'))
  t.notOk(subscribes(['article.published'], 'article.updated'))
})
