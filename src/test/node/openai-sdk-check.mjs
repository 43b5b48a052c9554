// Runs the official `openai` npm client, unchanged, against a running Understudy gateway.
//
// Driven by dev.understudy.it.OpenAiSdkTest, which starts the gateway with the fake providers of
// dev.understudy.testing.FakeProviders and scripts them, in this order, before running this file:
//   primary: openAiAnswer("Hello from primary"), openAiStream("Hel", "lo ", "world")
//   claude:  anthropicAnswer("Hello from claude"), anthropicStream("Bon", "jour")
// The checks run sequentially in that fixed order. One line per check; exit code 1 if any failed.
//
// Usage: GATEWAY_URL=http://localhost:8081 node openai-sdk-check.mjs

import OpenAI from 'openai';

const gateway = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
if (!gateway) {
  console.error('FAIL setup: GATEWAY_URL is not set (e.g. http://localhost:8081)');
  process.exit(2);
}

const client = new OpenAI({
  baseURL: `${gateway}/v1`,
  apiKey: 'sk-understudy-sdk-check', // the gateway holds the provider keys; any value will do
  maxRetries: 0, // a retry by the SDK would consume the next scripted answer and hide a failure
  timeout: 20_000,
});

const messages = [{ role: 'user', content: 'Say hello.' }];
let failures = 0;

function expectEqual(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function expectTrue(condition, what) {
  if (!condition) throw new Error(what);
}

async function check(name, fn) {
  try {
    const detail = await fn();
    console.log(`PASS ${name}${detail ? ` (${detail})` : ''}`);
  } catch (e) {
    failures++;
    const cause = e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
    console.log(`FAIL ${name}: ${cause}`);
  }
}

/** Reads a stream to the end: the concatenated content deltas, the models seen and any usage. */
async function drain(stream) {
  let text = '';
  let chunks = 0;
  let usage = null;
  let finishReason = null;
  const models = new Set();
  for await (const chunk of stream) {
    chunks++;
    expectEqual(chunk.object, 'chat.completion.chunk', `chunk ${chunks} object`);
    if (chunk.model) models.add(chunk.model);
    for (const choice of chunk.choices ?? []) {
      if (typeof choice.delta?.content === 'string') text += choice.delta.content;
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  return { text, chunks, usage, finishReason, models: [...models] };
}

await check('(a) non-streaming chat on route chain', async () => {
  const res = await client.chat.completions.create({ model: 'chain', messages });
  expectEqual(res.object, 'chat.completion', 'object');
  expectEqual(res.choices?.[0]?.message?.role, 'assistant', 'choices[0].message.role');
  expectEqual(res.choices?.[0]?.message?.content, 'Hello from primary', 'choices[0].message.content');
  expectEqual(res.model, 'gpt-primary', 'model');
  expectEqual(res.choices?.[0]?.finish_reason, 'stop', 'choices[0].finish_reason');
  return `content=${JSON.stringify(res.choices[0].message.content)} model=${res.model}`;
});

await check('(b) streaming chat on route chain with stream_options.include_usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'chain',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  const got = await drain(stream);
  expectEqual(got.text, 'Hello world', 'concatenated deltas');
  expectEqual(got.finishReason, 'stop', 'finish_reason');
  expectTrue(got.usage != null, 'no usage chunk arrived');
  expectTrue(Number.isInteger(got.usage.completion_tokens) && got.usage.completion_tokens > 0,
    `usage.completion_tokens is not a positive integer: ${JSON.stringify(got.usage)}`);
  expectTrue(got.models.length === 1 && got.models[0] === 'gpt-primary',
    `chunk models: expected ["gpt-primary"], got ${JSON.stringify(got.models)}`);
  return `text=${JSON.stringify(got.text)} chunks=${got.chunks} usage=${JSON.stringify(got.usage)}`;
});

await check('(c) non-streaming chat on route claude-first (Anthropic adapter)', async () => {
  const res = await client.chat.completions.create({ model: 'claude-first', messages });
  expectEqual(res.object, 'chat.completion', 'object');
  expectEqual(res.choices?.[0]?.message?.content, 'Hello from claude', 'choices[0].message.content');
  expectEqual(res.model, 'claude-test', 'model');
  return `content=${JSON.stringify(res.choices[0].message.content)} model=${res.model}`;
});

await check('(d) streaming chat on route claude-first (Anthropic adapter)', async () => {
  const stream = await client.chat.completions.create({ model: 'claude-first', messages, stream: true });
  const got = await drain(stream);
  expectEqual(got.text, 'Bonjour', 'concatenated deltas');
  expectEqual(got.finishReason, 'stop', 'finish_reason');
  return `text=${JSON.stringify(got.text)} chunks=${got.chunks}`;
});

await check('(e) models.list() lists the routes', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  expectTrue(ids.includes('chain'), `'chain' is missing from ${JSON.stringify(ids)}`);
  expectTrue(ids.includes('claude-first'), `'claude-first' is missing from ${JSON.stringify(ids)}`);
  return `${ids.length} models`;
});

await check('(f) an unknown model throws NotFoundError (404)', async () => {
  let thrown;
  try {
    await client.chat.completions.create({ model: 'no-such-route', messages });
  } catch (e) {
    thrown = e;
  }
  expectTrue(thrown !== undefined, 'the call succeeded instead of throwing');
  expectTrue(thrown instanceof OpenAI.NotFoundError,
    `expected NotFoundError, got ${thrown?.constructor?.name}: ${thrown?.message}`);
  expectEqual(thrown.status, 404, 'status');
  expectEqual(thrown.code, 'model_not_found', 'error.code');
  return `message=${JSON.stringify(thrown.message)}`;
});

console.log(failures === 0 ? 'ALL CHECKS PASSED' : `${failures} CHECK(S) FAILED`);
process.exit(failures === 0 ? 0 : 1);
