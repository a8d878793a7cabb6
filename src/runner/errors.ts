/**
 * Bad input that is not a scenario file: an unreadable or mismatched CSV, a bad command-line
 * value. One line, `<where>: <field>: <problem>[; allowed: ...]`, like ScenarioError, so the CLI
 * prints it as it is and exits 2.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly where: string,
    readonly field: string,
    readonly problem: string,
    readonly allowed?: string,
  ) {
    super(`${where}: ${field ? `${field}: ` : ''}${problem}${allowed ? `; allowed: ${allowed}` : ''}`.replace(/\s*\r?\n\s*/g, ' ').trim());
  }
}
