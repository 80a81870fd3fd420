// The right-sizing hint from measured worker load and queue wait.
import { expect, it } from 'vitest';
import { rightSizing } from '../../src/services/usage/right-sizing.ts';

const DAY = 86_400;
const load = (worker: string, busySeconds: number, slots = 1) => ({ worker, slots, busySeconds, jobs: 10 });

it('says fewer workers are enough when they idle', () => {
  const sizing = rightSizing([load('a', 0.06 * DAY), load('b', 0.06 * DAY)], DAY, 5);
  expect(sizing).toMatchObject({ workers: 2, suggestedWorkers: 1 });
  expect(sizing.busyShare).toBeCloseTo(0.06);
  expect(sizing.hint).toBe('2 workers were busy 6.0 % of the time; 1 is enough');
});

it('says to add a worker when files wait', () => {
  const sizing = rightSizing([load('a', 0.3 * DAY)], DAY, 40 * 60);
  expect(sizing.suggestedWorkers).toBe(2);
  expect(sizing.hint).toMatch(/^files waited 40 min on average; add a worker/);
});

it('leaves workers that fit the load alone, and says when there is nothing to go by', () => {
  expect(rightSizing([load('a', 0.4 * DAY, 2), load('b', 0.4 * DAY, 2)], DAY, 30).hint).toBe(
    '2 workers were busy 20 % of the time; 1 is enough',
  );
  expect(rightSizing([load('a', 0.7 * DAY), load('b', 0.7 * DAY)], DAY, 30)).toMatchObject({
    suggestedWorkers: 2,
  });
  expect(rightSizing([], DAY, null).hint).toBe('no jobs ran in the period: nothing to size from');
});
