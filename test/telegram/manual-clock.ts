import type { DeliveryTimers } from '../../src/telegram/delivery.ts';

interface Task {
  id: number;
  at: number;
  every?: number;
  callback: () => void;
}

/** Timers that only move when the test says so. */
export class ManualClock implements DeliveryTimers {
  private time = 1_700_000_000_000;
  private nextId = 1;
  private tasks: Task[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    return this.add({ at: this.time + ms, callback });
  }

  setInterval(callback: () => void, ms: number): unknown {
    return this.add({ at: this.time + ms, every: ms, callback });
  }

  clearTimeout(handle: unknown): void {
    this.tasks = this.tasks.filter((task) => task.id !== handle);
  }

  clearInterval(handle: unknown): void {
    this.clearTimeout(handle);
  }

  /** Timers still waiting to fire. */
  pending(): number {
    return this.tasks.length;
  }

  /** Moves time forward, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.tasks.filter((task) => task.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.time = due.at;
      if (due.every === undefined) this.clearTimeout(due.id);
      else due.at += due.every;
      due.callback();
    }
    this.time = target;
  }

  private add(task: Omit<Task, 'id'>): number {
    const id = this.nextId++;
    this.tasks.push({ ...task, id });
    return id;
  }
}
