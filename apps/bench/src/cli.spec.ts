import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommandLine } from './cli.js';

describe('bench command line', () => {
  it('defaults to every mode, seed 1 and a timestamped results folder', () => {
    const config = parseCommandLine([], new Date('2030-01-02T03:04:05.678Z'));
    assert.notEqual(config, 'help');
    if (config === 'help') return;
    assert.deepEqual(config.modes, ['choreography', 'orchestration', '2pc']);
    assert.equal(config.seed, '1');
    assert.equal(config.outDir, 'results/bench/2030-01-02T03-04-05-678Z');
    assert.equal(config.smoke, false);
    assert.equal(config.stepSeconds, 30);
  });

  it('takes the smoke configuration with overrides', () => {
    const config = parseCommandLine([
      '--smoke',
      '--modes',
      'orchestration,2pc',
      '--seed',
      'abc',
      '--step-seconds',
      '2',
      '--out',
      '/tmp/x',
    ]);
    if (config === 'help') return assert.fail('not help');
    assert.equal(config.smoke, true);
    assert.deepEqual(config.modes, ['orchestration', '2pc']);
    assert.equal(config.seed, 'abc');
    assert.equal(config.stepSeconds, 2);
    assert.equal(config.outDir, '/tmp/x');
    assert.deepEqual(config.rateLadder, [5, 10, 20]);
  });

  it('refuses unknown modes, bad numbers and unknown options', () => {
    assert.throws(() => parseCommandLine(['--modes', 'saga']), /unknown: saga/);
    assert.throws(() => parseCommandLine(['--step-seconds', '-1']), /step-seconds/);
    assert.throws(() => parseCommandLine(['--rates', '10,5']), /increasing/);
    assert.throws(() => parseCommandLine(['--bogus']));
  });
});
