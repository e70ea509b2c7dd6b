/**
 * Query strings as the servers bind them: names case-insensitive; Jellyfin arrays accept both
 * repeated (`a=1&a=2`) and comma-joined (`a=1,2`) forms, Emby arrays are one comma-joined value.
 */
export class QueryParams {
  private readonly values = new Map<string, string[]>();
  readonly names: string[] = [];

  constructor(
    search: URLSearchParams,
    private readonly repeatedArrays: boolean,
  ) {
    for (const [name, value] of search) {
      const key = name.toLowerCase();
      const list = this.values.get(key);
      if (list) list.push(value);
      else {
        this.values.set(key, [value]);
        this.names.push(name);
      }
    }
  }

  /** Replaces a parameter's values (the binder dropping invalid enum entries). */
  replace(name: string, values: string[]): void {
    if (values.length === 0) this.values.delete(name.toLowerCase());
    else this.values.set(name.toLowerCase(), [values.join(",")]);
  }

  has(name: string): boolean {
    return this.values.has(name.toLowerCase());
  }

  get(name: string): string | undefined {
    return this.values.get(name.toLowerCase())?.[0];
  }

  /** Every value of a name as the binder would see it (empty entries dropped). */
  list(name: string): string[] {
    const raw = this.values.get(name.toLowerCase());
    if (!raw) return [];
    const used = this.repeatedArrays ? raw : raw.slice(0, 1);
    return used
      .flatMap((value) => value.split(","))
      .map((value) => value.trim())
      .filter((value) => value.length > 0);
  }

  bool(name: string): boolean | undefined {
    const value = this.get(name);
    if (value === undefined || value === "") return undefined;
    return value.toLowerCase() === "true";
  }

  int(name: string): number | undefined {
    const value = this.get(name);
    if (value === undefined || value === "") return undefined;
    return Number.parseInt(value, 10);
  }

  /** Every raw entry (for the request log). */
  toObject(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const name of this.names) {
      const values = this.values.get(name.toLowerCase())!;
      out[name] = values.length === 1 ? values[0]! : values;
    }
    return out;
  }
}
