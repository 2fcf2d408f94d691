import type { z } from 'zod';

/**
 * One event type: past-tense name, topic category, a zod schema per schema version, upcasters from each
 * older version to the next, which top-level fields are personal data, and whose data they are.
 */
export interface EventVersion {
  readonly version: number;
  readonly schema: z.ZodType;
  /** Turns data of `version - 1` into data of this version. Absent on version 1. */
  readonly upcast?: (previous: Record<string, unknown>) => Record<string, unknown>;
}

export interface EventDefinition<TType extends string = string, TData = unknown> {
  readonly type: TType;
  /** Topic / stream category, e.g. `identity`, `recording`. */
  readonly category: string;
  readonly versions: readonly EventVersion[];
  /** Top-level fields holding personal data, encrypted with the subject's key at rest. */
  readonly pii: readonly string[];
  /** The data subject whose key encrypts `pii` (null when the event holds no personal data). */
  // Method syntax on purpose (bivariant), so specific definitions fit `EventDefinition` lists.
  subject(data: TData): string | null;
  /** Phantom: the data type of the current version. */
  readonly _data?: TData;
}

export const defineEvent = <TType extends string, TSchema extends z.ZodType>(def: {
  type: TType;
  category: string;
  schema: TSchema;
  /** Older versions, oldest first, each with the upcaster to the version after it. */
  history?: readonly {
    schema: z.ZodType;
    upcastToNext: (d: Record<string, unknown>) => Record<string, unknown>;
  }[];
  pii?: readonly (keyof z.infer<TSchema> & string)[];
  subject?: (data: z.infer<TSchema>) => string | null;
}): EventDefinition<TType, z.infer<TSchema>> => {
  const history = def.history ?? [];
  const versions: EventVersion[] = history.map((h, i) => ({
    version: i + 1,
    schema: h.schema,
    ...(i > 0 ? { upcast: history[i - 1]!.upcastToNext } : {}),
  }));
  versions.push({
    version: history.length + 1,
    schema: def.schema,
    ...(history.length > 0 ? { upcast: history[history.length - 1]!.upcastToNext } : {}),
  });
  return {
    type: def.type,
    category: def.category,
    versions,
    pii: def.pii ?? [],
    subject: def.subject ?? (() => null),
  };
};

export const currentVersion = (def: EventDefinition): number =>
  def.versions[def.versions.length - 1]!.version;

export class UnknownEventTypeError extends Error {
  constructor(readonly eventType: string) {
    super(`Unknown event type: ${eventType}`);
    this.name = 'UnknownEventTypeError';
  }
}

export class EventSchemaError extends Error {
  constructor(
    readonly eventType: string,
    readonly schemaVersion: number,
    readonly issues: string,
  ) {
    super(`Event ${eventType} v${schemaVersion} does not match its schema: ${issues}`);
    this.name = 'EventSchemaError';
  }
}

export interface EventRegistry {
  get(type: string): EventDefinition;
  has(type: string): boolean;
  types(): string[];
  /** Validates data for the current version of `type`; returns the parsed data. */
  validate(type: string, data: unknown): Record<string, unknown>;
  /** Upcasts stored data of `schemaVersion` to the current version and validates it. */
  upcast(type: string, schemaVersion: number, data: Record<string, unknown>): Record<string, unknown>;
}

export const createRegistry = (defs: readonly EventDefinition[]): EventRegistry => {
  const byType = new Map<string, EventDefinition>();
  for (const d of defs) {
    if (byType.has(d.type)) throw new Error(`Duplicate event type ${d.type}`);
    byType.set(d.type, d);
  }
  const get = (type: string) => {
    const d = byType.get(type);
    if (!d) throw new UnknownEventTypeError(type);
    return d;
  };
  const parse = (d: EventDefinition, version: number, data: unknown) => {
    const v = d.versions.find((x) => x.version === version);
    if (!v) throw new EventSchemaError(d.type, version, 'no such schema version');
    const r = v.schema.safeParse(data);
    if (!r.success) {
      throw new EventSchemaError(
        d.type,
        version,
        r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
      );
    }
    return r.data as Record<string, unknown>;
  };
  return {
    get,
    has: (type) => byType.has(type),
    types: () => [...byType.keys()],
    validate: (type, data) => {
      const d = get(type);
      return parse(d, currentVersion(d), data);
    },
    upcast: (type, schemaVersion, data) => {
      const d = get(type);
      let current = data;
      for (const v of d.versions) {
        if (v.version <= schemaVersion) continue;
        if (!v.upcast) throw new EventSchemaError(type, v.version, 'missing upcaster');
        current = v.upcast(current);
      }
      return parse(d, currentVersion(d), current);
    },
  };
};
