/** The input breaks a documented limit; nothing was started and nothing was sent to Vidu. */
export class InvalidGenerationInput extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid input, nothing was started:\n  - ${issues.join('\n  - ')}`);
    this.name = 'InvalidGenerationInput';
  }
}
