// An extension server written the way Kiket's Node SDK writes one: Express, express.json keeping
// the raw body, the HMAC-SHA256 check of `timestamp.body` compared in constant time, a JSON answer.
// Environment: PORT (0: any), KIKET_WEBHOOK_SECRET. Prints "PORT <n>" once it listens.
import crypto from 'node:crypto';
import express from 'express';

const secret = process.env.KIKET_WEBHOOK_SECRET ?? '';
const app = express();
app.use(express.json({ limit: '1mb', verify: (req, _res, buf) => { req.rawBody = buf; } }));

// The error text of PROTOCOL.md §1.3, or null when the delivery is signed by the secret.
function verify(req) {
  const signature = (req.get('X-Kiket-Signature') ?? '').replace(/^sha256=/, '');
  const timestamp = req.get('X-Kiket-Timestamp');
  if (!secret) return 'Webhook secret not configured';
  if (!signature) return 'Missing X-Kiket-Signature header';
  if (!timestamp) return 'Missing X-Kiket-Timestamp header';
  if (!/^\d+$/.test(timestamp)) return 'Invalid X-Kiket-Timestamp header';
  const age = Math.abs(Math.floor(Date.now() / 1000) - Number(timestamp));
  if (age > 300) return `Request timestamp too old or too far in future: ${age}s`;
  const expected = crypto.createHmac('sha256', secret)
    .update(`${timestamp}.`).update(req.rawBody ?? Buffer.alloc(0)).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'Invalid signature';
  return null;
}

app.post('/v/:version/webhooks/:event', (req, res) => {
  const failure = verify(req);
  if (failure) return res.status(401).json({ error: failure });
  res.json({ status: 'ok', event: req.params.event, version: req.params.version, issue: req.body?.issue?.id ?? null });
});
app.get('/health', (_req, res) => res.json({ status: 'ok' }));

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`PORT ${server.address().port}`);
});
server.keepAliveTimeout = 60000;
