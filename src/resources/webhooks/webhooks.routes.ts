import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { WebhookSettings } from '../../config.js'
import { NoContent, one, Problem, withHeaders } from '../../shared/schemas.js'
import { eventNames, PING } from './webhooks.events.js'
import {
  Delivery,
  DeliveryPage,
  DeliveryParams,
  DeliveryQuery,
  DeliveryWithPayload,
  Webhook,
  WebhookInput,
  WebhookParams,
  WebhookPatch,
  WebhookWithSecret,
} from './webhooks.schemas.js'
import {
  createWebhook,
  deleteWebhook,
  getDelivery,
  getWebhook,
  listDeliveries,
  listWebhooks,
  pingWebhook,
  retryDelivery,
  rotateSecret,
  updateWebhook,
} from './webhooks.service.js'

const tags = ['webhooks']
const config = { role: 'admin' as const }

const description = `Events are POSTed as Standard Webhooks: a JSON body { type, timestamp, data } with the headers webhook-id, webhook-timestamp and webhook-signature (v1,<base64 HMAC-SHA256>).

- Events: ${eventNames.join(', ')}; \`<type>.*\` and \`*\` subscribe to several. ${PING} is sent by ping.
- At least once: a receiver may get an event twice; webhook-id is the same on every attempt.
- In commit order per resource: a later event of a resource waits until the earlier one succeeded or failed for good.
- Retried with growing waits for more than a day (WEBHOOK_RETRY_SCHEDULE); a 2xx answer is a success, redirects are not followed.`

export const webhookRoutes: FastifyPluginAsyncZod<{ settings: WebhookSettings }> = async (app, { settings }) => {
  const policy = { allowPrivate: settings.allowPrivate }

  app.post(
    '/',
    {
      config,
      schema: {
        tags,
        operationId: 'createWebhook',
        summary: 'Register a webhook',
        description: `${description}\n\nThe answer holds the secret, the only time it is shown.`,
        body: WebhookInput,
        response: { 201: withHeaders(one(WebhookWithSecret), 'Location'), 400: Problem },
      },
    },
    async (req, reply) => {
      const webhook = await createWebhook(app.db, req.body, policy)
      reply.code(201).header('location', `/v1/webhooks/${webhook.id}`)
      return { data: webhook }
    },
  )

  app.get(
    '/',
    { config, schema: { tags, operationId: 'listWebhooks', summary: 'List the webhooks (never their secrets)', response: { 200: z.object({ data: z.array(Webhook) }) } } },
    async () => ({ data: await listWebhooks(app.db) }),
  )

  app.get(
    '/:id',
    { config, schema: { tags, operationId: 'getWebhook', summary: 'Get a webhook (never its secret)', params: WebhookParams, response: { 200: one(Webhook), 404: Problem } } },
    async (req) => ({ data: await getWebhook(app.db, req.params.id) }),
  )

  app.patch(
    '/:id',
    {
      config,
      schema: {
        tags,
        operationId: 'updateWebhook',
        summary: 'Change a webhook; enabled: true resumes a disabled one',
        params: WebhookParams,
        body: WebhookPatch,
        response: { 200: one(Webhook), 400: Problem, 404: Problem },
      },
    },
    async (req) => ({ data: await updateWebhook(app.db, req.params.id, req.body, policy) }),
  )

  app.delete(
    '/:id',
    { config, schema: { tags, operationId: 'deleteWebhook', summary: 'Delete a webhook and its delivery log', params: WebhookParams, response: { 204: NoContent, 404: Problem } } },
    async (req, reply) => {
      await deleteWebhook(app.db, req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/:id/rotate-secret',
    {
      config,
      schema: {
        tags,
        operationId: 'rotateWebhookSecret',
        summary: 'Make a new secret; for 24 h deliveries carry signatures with both',
        params: WebhookParams,
        response: { 200: one(WebhookWithSecret), 404: Problem },
      },
    },
    async (req) => ({ data: await rotateSecret(app.db, req.params.id) }),
  )

  app.post(
    '/:id/ping',
    {
      config,
      schema: {
        tags,
        operationId: 'pingWebhook',
        summary: `Send a ${PING} event now`,
        description: 'Queued at once, waiting for no other delivery, even while the webhook is disabled; its outcome is in the delivery log.',
        params: WebhookParams,
        response: { 202: withHeaders(one(Delivery), 'Location'), 404: Problem },
      },
    },
    async (req, reply) => {
      const delivery = await pingWebhook(app.db, req.params.id)
      reply.code(202).header('location', `/v1/webhooks/${req.params.id}/deliveries/${delivery.id}`)
      return { data: delivery }
    },
  )

  app.get(
    '/:id/deliveries',
    {
      config,
      schema: {
        tags,
        operationId: 'listWebhookDeliveries',
        summary: 'The delivery log: newest first, each with its attempts',
        params: WebhookParams,
        querystring: DeliveryQuery,
        response: { 200: DeliveryPage, 400: Problem, 404: Problem },
      },
    },
    async (req) => listDeliveries(app.db, req.params.id, req.query),
  )

  app.get(
    '/:id/deliveries/:deliveryId',
    {
      config,
      schema: {
        tags,
        operationId: 'getWebhookDelivery',
        summary: 'One delivery, with its attempts and the body it sends',
        params: DeliveryParams,
        response: { 200: one(DeliveryWithPayload), 404: Problem },
      },
    },
    async (req) => ({ data: await getDelivery(app.db, req.params.id, req.params.deliveryId) }),
  )

  app.post(
    '/:id/deliveries/:deliveryId/retry',
    {
      config,
      schema: {
        tags,
        operationId: 'retryWebhookDelivery',
        summary: 'Send a delivery again now',
        description: 'A failed delivery gets one more attempt; a succeeded one is sent again with the same webhook-id. One in flight is left to finish.',
        params: DeliveryParams,
        response: { 202: one(Delivery), 404: Problem },
      },
    },
    async (req, reply) => {
      reply.code(202)
      return { data: await retryDelivery(app.db, req.params.id, req.params.deliveryId) }
    },
  )
}
