// The bench's pure helpers: cost of a history in events and Temporal Cloud actions, percentiles.
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  addCosts,
  fmt,
  formatTable,
  historyCost,
  mergeCounts,
  percentile,
  ratio,
  subtractCost,
  workflowTaskFailures,
  type HistoryEventLike,
} from '../../bench/lib/stats';

const T = temporal.api.enums.v1.EventType;
const ev = (eventType: temporal.api.enums.v1.EventType, extra: Partial<HistoryEventLike> = {}): HistoryEventLike => ({
  eventType,
  ...extra,
});
const workflowTask = [
  ev(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
  ev(T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
  ev(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
];
const activity = (attempt: number) => [
  ev(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
  ev(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, { activityTaskStartedEventAttributes: { attempt } }),
  ev(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
];

describe('historyCost', () => {
  it('counts the textbook generation: 23 events, 1 start + 1 per activity attempt', () => {
    // start, submit, poll (3 attempts: two "not yet" retries leave no events), archive, complete
    const history = [
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED),
      ...workflowTask,
      ...activity(1),
      ...workflowTask,
      ...activity(3),
      ...workflowTask,
      ...activity(1),
      ...workflowTask,
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
    ];
    const cost = historyCost(history);
    expect(cost.events).toBe(23);
    expect(cost.activityAttempts).toBe(5);
    expect(cost.actions).toBe(6);
    expect(cost.workflowTasks).toBe(4);
    expect(cost.failedWorkflowTasks).toBe(0);
  });

  it('bills signals, timers, upserts, updates and memo changes once each, and local activities once per workflow task', () => {
    const la = (task: number) =>
      ev(T.EVENT_TYPE_MARKER_RECORDED, {
        markerRecordedEventAttributes: { markerName: 'core_local_activity', workflowTaskCompletedEventId: task },
      });
    const cost = historyCost([
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
      ev(T.EVENT_TYPE_TIMER_STARTED),
      ev(T.EVENT_TYPE_TIMER_FIRED),
      ev(T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
      ev(T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED),
      la(7),
      la(7),
      la(12),
      ev(T.EVENT_TYPE_MARKER_RECORDED, {
        markerRecordedEventAttributes: { markerName: 'Version', workflowTaskCompletedEventId: 12 },
      }),
      ev(T.EVENT_TYPE_WORKFLOW_TASK_FAILED),
      ev(T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
    ]);
    expect(cost).toMatchObject({ events: 13, signals: 2, timers: 1, upserts: 1, failedWorkflowTasks: 2 });
    // 2 signals + 1 timer + 1 upsert + 1 update + 1 memo + 2 workflow tasks with local activities
    expect(cost.actions).toBe(8);
  });

  it('adds and subtracts costs field by field (a long-lived run’s share of one batch)', () => {
    const a = historyCost([ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), ev(T.EVENT_TYPE_TIMER_STARTED)]);
    const b = historyCost([ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)]);
    expect(addCosts([a, b])).toMatchObject({ events: 3, signals: 2, timers: 1, actions: 3 });
    expect(subtractCost(a, b)).toMatchObject({ events: 1, signals: 0, timers: 1, actions: 1 });
    expect(addCosts([]).events).toBe(0);
  });
});

describe('workflowTaskFailures', () => {
  it('names each failed workflow task by its cause, timeouts included', () => {
    const C = temporal.api.enums.v1.WorkflowTaskFailedCause;
    const failed = (cause: temporal.api.enums.v1.WorkflowTaskFailedCause) =>
      ev(T.EVENT_TYPE_WORKFLOW_TASK_FAILED, { workflowTaskFailedEventAttributes: { cause } });
    const a = workflowTaskFailures([
      failed(C.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND),
      failed(C.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND),
      ev(T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, {
        workflowTaskTimedOutEventAttributes: {
          timeoutType: temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START,
        },
      }),
      ev(T.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
      ...workflowTask,
    ]);
    expect(a).toEqual({ UNHANDLED_COMMAND: 2, TIMED_OUT_SCHEDULE_TO_START: 1, TIMED_OUT: 1 });
    expect(mergeCounts([a, { TIMED_OUT: 2 }, {}])).toEqual({
      UNHANDLED_COMMAND: 2,
      TIMED_OUT_SCHEDULE_TO_START: 1,
      TIMED_OUT: 3,
    });
    expect(workflowTaskFailures(workflowTask)).toEqual({});
  });
});

describe('percentile and friends', () => {
  it('uses the nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile([42], 50)).toBe(42);
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile(values, 101)).toThrow(/0\.\.100/);
  });

  it('leaves a ratio undefined when it cannot be computed, and prints it as –', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
    expect(fmt(undefined)).toBe('–');
    expect(fmt(1.234, 2)).toBe('1.23');
  });

  it('aligns a table', () => {
    expect(
      formatTable(
        ['a', 'bb'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ).split('\n'),
    ).toEqual(['a    bb', '---  --', 'xyz   1', 'q    22']);
  });
});
