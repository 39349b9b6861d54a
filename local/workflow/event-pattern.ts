/**
 * EventBridge's event pattern matching, for the patterns the app's rules use and the operators around them:
 * exact values, `prefix`, `suffix`, `wildcard`, `anything-but`, `exists`, `numeric`, `equals-ignore-case` and
 * `$or`. An operator it does not know is an error, so a rule can never be matched by a guess.
 */
type Pattern = Record<string, unknown>;

export function matchesPattern(pattern: Pattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

function matchObject(pattern: Pattern, value: unknown): boolean {
  for (const [key, condition] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(condition as Pattern[]).some((alternative) => matchObject(alternative, value))) return false;
      continue;
    }
    const field = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(condition)) {
      if (!matchField(condition, field)) return false;
    } else if (typeof condition === 'object' && condition !== null) {
      if (!matchObject(condition as Pattern, field)) return false;
    } else {
      throw new Error(`event pattern: ${key} must be a list of values or an object, not ${JSON.stringify(condition)}`);
    }
  }
  return true;
}

/** A field matches when it (or, for a list, any of its elements) matches any of the conditions. */
function matchField(conditions: unknown[], field: unknown): boolean {
  const present = field !== undefined;
  const values = Array.isArray(field) ? field : [field];
  return conditions.some((condition) => {
    if (typeof condition === 'object' && condition !== null && 'exists' in condition) return (condition as { exists: boolean }).exists === present;
    return present && values.some((v) => matchValue(condition, v));
  });
}

function matchValue(condition: unknown, value: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return condition === value;
  const [[operator, operand], ...more] = Object.entries(condition);
  if (more.length > 0) throw new Error(`event pattern: one operator per condition, got ${Object.keys(condition).join(', ')}`);
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(operand));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && wildcard(String(operand)).test(value);
    case 'anything-but':
      if (Array.isArray(operand)) return !operand.includes(value);
      if (typeof operand === 'object' && operand !== null) return !matchValue(operand, value);
      return value !== operand;
    case 'numeric':
      return typeof value === 'number' && numeric(operand as unknown[], value);
    default:
      throw new Error(`event pattern: the local matcher does not know the operator ${operator}`);
  }
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

function numeric(conditions: unknown[], value: number): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const [op, bound] = [String(conditions[i]), Number(conditions[i + 1])];
    const ok = op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : undefined;
    if (ok === undefined) throw new Error(`event pattern: unknown numeric operator ${op}`);
    if (!ok) return false;
  }
  return true;
}
