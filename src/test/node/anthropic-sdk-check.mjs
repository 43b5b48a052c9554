// Runs the official Anthropic TypeScript SDK, unchanged, against a running Understudy gateway.
// Driven by dev.understudy.it.AnthropicSdkTest, which scripts the fake providers in this order:
//   claude:    anthropicAnswer("Hello from claude"), anthropicStream("Bon", "jour"), 529, 529, 529, 529
//   secondary: openAiAnswer("Hello from secondary"), openAiStream("Back", "up")
// One line per check; exit code 1 if any failed. Usage: GATEWAY_URL=http://localhost:8081 node anthropic-sdk-check.mjs

import Anthropic from '@anthropic-ai/sdk';

const gateway = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
if (!gateway) {
  console.error('FAIL setup: GATEWAY_URL is not set');
  process.exit(2);
}

const client = new Anthropic({ baseURL: gateway, apiKey: 'sk-understudy-sdk-check', maxRetries: 0, timeout: 20_000 });
const messages = [{ role: 'user', content: 'Say hello.' }];
let failures = 0;

function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
  }
}

await check('(a) messages.create on an Anthropic-format target', async () => {
  const m = await client.messages.create({ model: 'claude-first', max_tokens: 50, messages });
  expectEqual(m.type, 'message', 'type');
  expectEqual(m.content[0].text, 'Hello from claude', 'text');
  expectEqual(m.model, 'claude-test', 'model');
  expectEqual(m.stop_reason, 'end_turn', 'stop_reason');
});

await check('(b) messages.stream on an Anthropic-format target', async () => {
  const stream = client.messages.stream({ model: 'claude-first', max_tokens: 50, messages });
  const seen = [];
  stream.on('streamEvent', (e) => seen.push(e.type));
  const final = await stream.finalMessage();
  expectEqual(final.content[0].text, 'Bonjour', 'final text');
  expectEqual(seen[0], 'message_start', 'first event');
  expectEqual(seen[seen.length - 1], 'message_stop', 'last event');
});

await check('(c) fails over from an Anthropic-format target to an OpenAI-format one', async () => {
  const { data: m, response } = await client.messages.create({ model: 'claude-first', max_tokens: 50, messages })
    .withResponse();
  expectEqual(m.content[0].text, 'Hello from secondary', 'text');
  expectEqual(m.model, 'gpt-secondary', 'model');
  expectEqual(response.headers.get('x-understudy-fallback'), 'true', 'fallback header');
});

await check('(d) streams a failed-over answer as Anthropic events', async () => {
  const stream = client.messages.stream({ model: 'claude-first', max_tokens: 50, messages });
  let text = '';
  stream.on('text', (t) => { text += t; });
  const final = await stream.finalMessage();
  expectEqual(text, 'Backup', 'streamed text');
  expectEqual(final.stop_reason, 'end_turn', 'stop_reason');
});

await check('(e) an unknown model is a NotFoundError', async () => {
  try {
    await client.messages.create({ model: 'nope', max_tokens: 5, messages });
    throw new Error('no error thrown');
  } catch (e) {
    if (!(e instanceof Anthropic.NotFoundError)) throw e;
  }
});

console.log(failures === 0 ? 'ALL CHECKS PASSED' : `${failures} CHECK(S) FAILED`);
process.exit(failures === 0 ? 0 : 1);
