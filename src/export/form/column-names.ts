/**
 * Column names that every analyst tool takes: SPSS variable names (a letter first; letters,
 * digits, _ and .; at most 64 bytes; not a reserved word; unique regardless of case), which
 * R, pandas and Stata read as they are.
 */
const SPSS_RESERVED = new Set(["all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"]);
const MAX_BYTES = 64;

function cut(name: string, bytes: number): string {
  let out = name;
  while (Buffer.byteLength(out) > bytes) out = out.slice(0, -1);
  return out;
}

export class ColumnNames {
  private readonly taken = new Set<string>();

  /** Reserves a name as it is (the metadata columns). */
  reserve(name: string): string {
    this.taken.add(name.toLowerCase());
    return name;
  }

  /** A valid, unused name as close to `wanted` as the rules allow. */
  claim(wanted: string): string {
    let name = wanted.replace(/[^A-Za-z0-9_.]/g, "_").replace(/\.+$/, "");
    if (!/^[A-Za-z]/.test(name) || SPSS_RESERVED.has(name.toLowerCase())) name = `v_${name}`;
    name = cut(name, MAX_BYTES);
    let candidate = name;
    for (let n = 2; this.taken.has(candidate.toLowerCase()); n++) candidate = `${cut(name, MAX_BYTES - String(n).length - 1)}_${n}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}
