/**
 * The account's credit balance. Charged when a task is created (the create
 * response already carries `credits`), refunded at most once per task.
 */
import { REFUNDED_ERR_CODES } from './pricing';
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

  /** Refund a failed task if its failure is one the account is not billed for. */
  settleFailure(task: SimTask): void {
    if (task.refunded || !REFUNDED_ERR_CODES.has(task.errCode)) return;
    task.refunded = true;
    this.balance += task.charged;
    this.refundedTotal += task.charged;
    task.credits = 0;
  }
}
