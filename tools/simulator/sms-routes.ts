/** The SMS gateway's one route (POST /sms/v1/messages), with its own bearer token and error envelope. */
import { bearerGuard, faultDelay, SmsError, type RouteContext, type SimApi } from './http';
import { SmsBodySchema, acceptSms } from './sms';

/** Registers the SMS gateway route. */
export function smsRoutes(api: SimApi, { o, state, scheduler }: RouteContext): void {
  const smsAuth = bearerGuard(o.smsToken, () => new SmsError(401, 'unauthorized', 'missing or wrong bearer token'));

  api.post('/sms/v1/messages', { schema: { body: SmsBodySchema }, onRequest: smsAuth }, async (req, reply) => {
    const fault = state.faults.take('sms', req.body.to);
    if (fault) await faultDelay(scheduler, fault.delayMs);
    const result = acceptSms(state, req.body, o.now(), fault);
    if (result.http === 202) req.log.debug({ sms: (result.body as { id: string }).id }, 'sms accepted');
    return reply.code(result.http).send(result.body);
  });
}
