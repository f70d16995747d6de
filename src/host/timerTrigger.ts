/**
 * Timer triggers: each timer-triggered function runs at its schedule's occurrences (UTC), never two
 * runs of one function at once (a run that outlasts an occurrence skips it, as the host's singleton
 * lock does), optionally once at start-up (`runOnStartup`), and on demand through the admin API.
 * The function gets the timer object the host sends: `{schedule, scheduleStatus, isPastDue}`.
 */
import { randomUUID } from 'node:crypto';
import type { LogCategory, LogLevel, RegisteredFunction } from './coreApi.js';
import { invoke } from './invoke.js';
import type { LoadedApp } from './loader.js';
import type { Schedule } from './schedule.js';

export interface TimerOptions {
  runOnStartup: boolean;
  timeoutMs: number | undefined;
  log: (level: LogLevel, category: LogCategory, message: string) => void;
}

export class TimerListener {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #last: Date | undefined;
  #next: Date | undefined;

  constructor(
    readonly app: LoadedApp,
    readonly fn: RegisteredFunction,
    readonly bindingName: string,
    readonly schedule: Schedule,
    readonly opts: TimerOptions,
  ) {}

  start(): void {
    if (this.opts.runOnStartup) this.runNow('startup');
    this.#arm();
  }

  /** When the next scheduled run is due. */
  get next(): Date | undefined {
    return this.#next;
  }

  #arm(): void {
    if (this.#stopped) return;
    const next = this.schedule.next(new Date());
    this.#next = next;
    // setTimeout takes at most about 24.8 days: a later occurrence re-arms on the way.
    const wait = Math.min(next.getTime() - Date.now(), 2_000_000_000);
    this.#timer = setTimeout(() => {
      if (Date.now() < next.getTime()) return this.#arm();
      this.runNow('timer');
      this.#arm();
    }, wait);
  }

  /** Runs the function now unless a run is in progress; false when one was. */
  runNow(reason: 'timer' | 'startup' | 'manual'): boolean {
    if (this.#stopped || this.#running !== undefined) {
      if (reason === 'timer') {
        this.opts.log(
          'warning',
          'system',
          `Timer '${this.fn.metadata.name}' is still running: this occurrence is skipped.`,
        );
      }
      return false;
    }
    // A run never takes the host down: whatever escapes it (a failure that cannot even be printed) is logged.
    this.#running = this.#run(reason)
      .catch((err: unknown) =>
        this.opts.log('error', 'system', `Timer '${this.fn.metadata.name}' run failed: ${describe(err)}`),
      )
      .finally(() => (this.#running = undefined));
    return true;
  }

  async #run(reason: string): Promise<void> {
    const name = this.fn.metadata.name;
    const id = randomUUID();
    const started = new Date();
    const timer = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: (this.#last ?? new Date(0)).toISOString(),
        Next: (this.#next ?? this.schedule.next(started)).toISOString(),
        LastUpdated: started.toISOString(),
      },
      IsPastDue: false,
    };
    this.opts.log('information', 'system', `Executing 'Functions.${name}' (Reason='${reason}', Id=${id})`);
    const outcome = await invoke(
      this.app,
      this.fn,
      id,
      { inputData: [{ name: this.bindingName, data: { json: JSON.stringify(timer) } }], triggerMetadata: {} },
      (level, category, message) =>
        this.opts.log(level, category, category === 'user' ? `[${name}] ${message}` : message),
      this.opts.timeoutMs,
    );
    this.#last = started;
    const ms = Date.now() - started.getTime();
    if (outcome.error === undefined) {
      this.opts.log(
        'information',
        'system',
        `Executed 'Functions.${name}' (Succeeded, Id=${id}, Duration=${ms}ms)`,
      );
    } else {
      const text = describe(outcome.error);
      this.opts.log(
        'error',
        'system',
        `Executed 'Functions.${name}' (Failed, Id=${id}, Duration=${ms}ms): ${text}`,
      );
    }
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}

/** A failure as text, whatever was thrown (JSON.stringify throws on cycles and BigInt). */
function describe(err: unknown): string {
  if (err instanceof Error) return err.stack ?? err.message;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}
