// The balance watch's pure rules (core/balance.ts), its settings (worker/balance-config.ts) and
// the keys file's `events` (platform/keys/api-keys.ts): the crossing rule, which floor holds
// which priority, and bad settings refused at start with the variable or entry named.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BalanceReading,
  type CreditFloors,
  balanceScheduleId,
  creditsHoldFloor,
  initialBalanceState,
  nextBalanceState,
} from '../../core/balance';
import { loadKeysFile } from '../../platform/keys/api-keys';
import { newWebhookSecret } from '../../platform/webhooks/signature';
import { balanceConfig, DEFAULT_BALANCE_INTERVAL_SECONDS } from '../../worker/balance-config';
import { loadWorkerConfig } from '../../worker/config';

const reading = (remains: number, floors: CreditFloors = { batch: 500, interactive: 100 }): BalanceReading => ({
  remains,
  packages: [],
  readAt: '2026-12-07T00:00:00.000Z',
  floors,
});

describe('nextBalanceState', () => {
  it('announces a floor once per crossing and re-arms it when the balance is back at the floor', () => {
    let state = initialBalanceState('s');
    const sent: string[][] = [];
    for (const remains of [600, 499, 300, 500, 499, 99, 99, 1_000, 0]) {
      const next = nextBalanceState(state, reading(remains));
      sent.push(next.events.map((e) => `${e.holds}@${e.remains}`));
      state = next.state;
    }
    expect(sent).toEqual([
      [],
      ['batch@499'],
      [],
      [],
      ['batch@499'],
      ['interactive@99'],
      [],
      [],
      ['interactive@0', 'batch@0'],
    ]);
    expect(state.events).toBe(5);
    expect(state.last?.remains).toBe(0);
  });

  it('numbers the events in the state, so the same read from the same state gives the same ids', () => {
    const prev = initialBalanceState('s');
    const a = nextBalanceState(prev, reading(10));
    const b = nextBalanceState(prev, reading(10));
    expect(a.events.map((e) => e.eventId)).toEqual(b.events.map((e) => e.eventId));
    expect(a.events.map((e) => e.eventId)).toEqual(['evt_low_balance_s_1', 'evt_low_balance_s_2']);
  });

  it('announces nothing without floors, and a floor added later counts from its first read', () => {
    const none = nextBalanceState(initialBalanceState('s'), reading(0, {}));
    expect(none.events).toEqual([]);
    const added = nextBalanceState(none.state, reading(0, { batch: 10 }));
    expect(added.events.map((e) => e.holds)).toEqual(['batch']);
  });
});

describe('creditsHoldFloor', () => {
  const floors = { batch: 500, interactive: 100 };
  it('holds batch under either floor and interactive under its own only', () => {
    expect(creditsHoldFloor(499, floors, 'batch')).toEqual({ floor: 500, holds: 'batch' });
    expect(creditsHoldFloor(499, floors, 'interactive')).toBeUndefined();
    expect(creditsHoldFloor(99, floors, 'interactive')).toEqual({ floor: 100, holds: 'interactive' });
    expect(creditsHoldFloor(99, floors, 'batch')).toEqual({ floor: 100, holds: 'interactive' });
    expect(creditsHoldFloor(500, floors, 'batch')).toBeUndefined();
  });
  it('holds nothing before the first read or without a floor', () => {
    expect(creditsHoldFloor(undefined, floors, 'batch')).toBeUndefined();
    expect(creditsHoldFloor(0, {}, 'batch')).toBeUndefined();
    expect(creditsHoldFloor(0, { batch: 1 }, 'interactive')).toBeUndefined();
  });
});

describe('balance settings', () => {
  const base = { VIDU_API_KEY: 'vda_0123456789abcdef0123456789abcdef' };
  it('defaults to a read every 10 minutes and no floor', () => {
    expect(balanceConfig({ VIDU_FLOW_BALANCE_INTERVAL_SECONDS: DEFAULT_BALANCE_INTERVAL_SECONDS })).toEqual({
      intervalSeconds: 600,
      floors: {},
    });
  });
  it('refuses a floor without the watch, an interactive floor above the batch one, and a bad number', () => {
    expect(() => balanceConfig({ VIDU_FLOW_BALANCE_INTERVAL_SECONDS: 0, VIDU_MIN_REMAINING_CREDITS: 10 })).toThrow(
      /needs the balance watch/,
    );
    expect(() =>
      balanceConfig({
        VIDU_FLOW_BALANCE_INTERVAL_SECONDS: 60,
        VIDU_MIN_REMAINING_CREDITS: 10,
        VIDU_MIN_REMAINING_CREDITS_INTERACTIVE: 20,
      }),
    ).toThrow(/VIDU_MIN_REMAINING_CREDITS_INTERACTIVE: must not be above/);
    expect(() => loadWorkerConfig({ ...base, VIDU_MIN_REMAINING_CREDITS: '-5' })).toThrow(
      /VIDU_MIN_REMAINING_CREDITS.*at least 1/,
    );
    expect(() => loadWorkerConfig({ ...base, VIDU_FLOW_BALANCE_INTERVAL_SECONDS: '1.5' })).toThrow(
      /VIDU_FLOW_BALANCE_INTERVAL_SECONDS/,
    );
  });
  it('names the watch after the deployment and a hash of the account, never the key', () => {
    expect(balanceScheduleId('vidu-flow', 'abcdef0123456789')).toBe('vidu-balance-vidu-flow-abcdef0123456789');
  });
});

describe('keys file: events', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vidu-balance-keys-'));
  const key = {
    id: 'ops',
    name: 'ops',
    keySha256: 'a'.repeat(64),
    scopes: ['read'],
  };
  const write = (entries: unknown[]): string => {
    const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(entries), { mode: 0o600 });
    return file;
  };
  it('accepts account.low_balance on a key with notifyUrl and webhookSecret', () => {
    const keys = loadKeysFile(
      write([
        {
          ...key,
          events: ['account.low_balance'],
          notifyUrl: 'https://ops.example/hooks',
          webhookSecret: newWebhookSecret(),
        },
      ]),
    );
    expect(keys[0]?.events).toEqual(['account.low_balance']);
  });
  it('refuses an unknown event, and an event without a URL to send it to, naming the entry', () => {
    expect(() => loadKeysFile(write([{ ...key, events: ['account.rich'] }]))).toThrow(/\[?0\]?.*events/);
    expect(() => loadKeysFile(write([{ ...key, events: ['account.low_balance'] }]))).toThrow(
      /events.*needs notifyUrl and webhookSecret/,
    );
  });
});
