/**
 * Numbers (account, guid) pairs densely, so per-pair data can live in plain arrays indexed by
 * pair number: no per-row objects, small-integer map keys. Memory grows with pairs, not rows.
 */
export class PairKeys {
  private readonly accountIds: number[] = [];
  /** The account id as text, made once per account rather than once per pair. */
  private readonly accountTexts: string[] = [];
  private readonly guids: string[] = [];
  private readonly accountIndex = new Map<number, number>();
  private readonly guidIndex = new Map<string, number>();
  /** Per account index: guid index → pair number. */
  private readonly pairsByAccount: Array<Map<number, number>> = [];
  private readonly pairAccount: number[] = [];
  private readonly pairGuid: number[] = [];

  get size(): number {
    return this.pairAccount.length;
  }

  /** The pair number, creating it when new. */
  pair(account: number, guid: string): number {
    let a = this.accountIndex.get(account);
    if (a === undefined) {
      a = this.accountIds.push(account) - 1;
      this.accountTexts.push(String(account));
      this.accountIndex.set(account, a);
      this.pairsByAccount.push(new Map());
    }
    let g = this.guidIndex.get(guid);
    if (g === undefined) {
      g = this.guids.push(guid) - 1;
      this.guidIndex.set(guid, g);
    }
    const pairs = this.pairsByAccount[a]!;
    let p = pairs.get(g);
    if (p === undefined) {
      p = this.pairAccount.push(a) - 1;
      this.pairGuid.push(g);
      pairs.set(g, p);
    }
    return p;
  }

  account(pair: number): number {
    return this.accountIds[this.pairAccount[pair]!]!;
  }

  /** The account id of a pair as a decimal string (a SourceUser id). */
  userId(pair: number): string {
    return this.accountTexts[this.pairAccount[pair]!]!;
  }

  guid(pair: number): string {
    return this.guids[this.pairGuid[pair]!]!;
  }

  accounts(): number[] {
    return [...this.accountIds];
  }
}
