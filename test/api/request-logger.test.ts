// A request's logger (Fastify's childLoggerFactory): its child logger is made on first use, and
// its lines are those of a pino child — the request id bound, credentials redacted.
import pino from 'pino';
import { expect, it } from 'vitest';
import { requestLogger } from '../../src/api/request-logger.ts';

function recorder(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line)) };
  const parent = pino({ level, redact: { paths: ['*.authorization'], censor: '[redacted]' } }, destination);
  return { parent, lines };
}

it('writes the lines of a child bound to the request, made only when first used', () => {
  const { parent, lines } = recorder();
  let children = 0;
  const child = parent.child.bind(parent);
  parent.child = ((...args: Parameters<typeof child>) => {
    children++;
    return child(...args);
  }) as typeof parent.child;

  const log = requestLogger(parent, { reqId: 'req-7' }, {});
  expect(children).toBe(0);
  expect(log.level).toBe('info');

  log.error({ headers: { authorization: 'Bearer prt_secret' } }, 'request failed');
  log.warn('slow');
  expect(children).toBe(1);
  expect(lines).toEqual([
    expect.objectContaining({
      level: 50,
      reqId: 'req-7',
      headers: { authorization: '[redacted]' },
      msg: 'request failed',
    }),
    expect.objectContaining({ level: 40, reqId: 'req-7', msg: 'slow' }),
  ]);
});

it('keeps the parent’s level, and a level set on it applies to its child only', () => {
  const { parent, lines } = recorder('warn');
  const log = requestLogger(parent, { reqId: 'req-8' }, {});
  log.info('not written');
  expect(lines).toEqual([]);
  log.level = 'debug';
  log.debug('written');
  expect(parent.level).toBe('warn');
  expect(lines).toEqual([expect.objectContaining({ level: 20, reqId: 'req-8', msg: 'written' })]);
  expect(log.child({ part: 'upload' }).level).toBe('debug');
});
