/**
 * The account's credit balance. Charged when a task is created (the create
 * response already carries `credits`), refunded at most once per task.
 */
import type { SimTask } from './task';

export class Ledger {
  balance = 0;
  spent = 0;
  refundedTotal = 0;
  initial = 0;

  constructor(initial: number) {
    this.reset(initial);
  }

  reset(initial: number): void {
    this.initial = initial;
    this.balance = initial;
    this.spent = 0;
    this.refundedTotal = 0;
  }

  /** Set the balance directly (admin), keeping the spent/refunded history. */
  setBalance(balance: number): void {
    this.balance = balance;
  }

  canAfford(amount: number): boolean {
    return amount <= this.balance;
  }

  charge(task: SimTask, amount: number): void {
    this.balance -= amount;
    this.spent += amount;
    task.charged = amount;
    task.credits = amount;
  }

  /**
   * Refunds a failed task, whatever its err_code: Vidu documents that failed generations are not
   * charged, content-moderation failures included ("生成失败的视频不计积分消耗（包含内容审核拒绝导致的失败）";
   * in English "we will return the credit cost after moderate generations"): docs/vidu-pricing.md,
   * docs/vidu-api.md §9.1. Until 2026-12-07 the simulator kept
   * the charge of content and input failures, from an older reading that Vidu documented refunds
   * only for cancels and off-peak expiry.
   */
  settleFailure(task: SimTask): void {
    if (task.refunded) return;
    task.refunded = true;
    this.balance += task.charged;
    this.refundedTotal += task.charged;
    task.credits = 0;
  }
}
