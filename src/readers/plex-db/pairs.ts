/**
 * Numbers (account, guid) pairs densely, so per-pair data can live in plain arrays indexed by
 * pair number: no per-row objects. Memory grows with pairs, not rows.
 *
 * Each guid keeps a short flat list `[accountIndex, pair, …]`: a guid is watched by a handful of
 * accounts, so a linear scan of that list is cheaper than a second hash lookup.
 */
export class PairKeys {
  private readonly accountIds: number[] = [];
  /** The account id as text, made once per account rather than once per pair. */
  private readonly accountTexts: string[] = [];
  private readonly guids: string[] = [];
  private readonly accountIndex = new Map<number, number>();
  private readonly guidIndex = new Map<string, number>();
  private readonly pairsOfGuid: number[][] = [];
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
    }
    let g = this.guidIndex.get(guid);
    if (g === undefined) {
      g = this.guids.push(guid) - 1;
      this.guidIndex.set(guid, g);
      this.pairsOfGuid.push([]);
    }
    const list = this.pairsOfGuid[g]!;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i] === a) return list[i + 1]!;
    }
    const pair = this.pairAccount.push(a) - 1;
    this.pairGuid.push(g);
    list.push(a, pair);
    return pair;
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
