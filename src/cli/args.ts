// Command-line arguments: positionals and `--name value` / `--name=value` / `--flag` options,
// checked against what each command accepts, so a typo is an error and not silently ignored.

/** A mistake in how the CLI was called: printed as one line with the usage hint, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** Also print the usage text (unknown command or option). */
    readonly showUsage = false,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** Takes a value (--limit 5) or is a switch (--json). */
  value: boolean;
  /** May be given several times (--exclude a --exclude b). */
  repeat?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`, true);
    let value = 'true';
    if (s.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new UsageError(`--${name} needs a value`);
    } else if (eq >= 0) {
      throw new UsageError(`--${name} takes no value`);
    }
    const list = options.get(name) ?? [];
    if (list.length > 0 && !s.repeat) throw new UsageError(`--${name} was given twice`);
    list.push(value);
    options.set(name, list);
  }
  return { positionals, options };
}

export function option(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.[0];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.options.has(name);
}

export function intOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = option(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}
