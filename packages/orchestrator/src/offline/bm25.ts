/** One indexed document: its terms (repeat a term to weight its field). */
export interface Bm25Document<K> {
  readonly key: K;
  readonly terms: readonly string[];
}

/** A document's score for a query, and which query terms it matched. */
export interface Bm25Hit<K> {
  readonly key: K;
  readonly score: number;
  /** Share of the query's weight (by idf) that this document matched, 0..1. */
  readonly coverage: number;
}

/**
 * Okapi BM25 over pre-tokenized documents (k1 = 1.2, b = 0.75), with the
 * non-negative idf of Lucene, ln(1 + (N - df + 0.5) / (df + 0.5)).
 * @see https://en.wikipedia.org/wiki/Okapi_BM25
 */
export class Bm25Index<K> {
  readonly #documents: { key: K; frequencies: Map<string, number>; length: number }[];
  readonly #documentFrequency = new Map<string, number>();
  readonly #averageLength: number;
  readonly #k1: number;
  readonly #b: number;

  constructor(documents: readonly Bm25Document<K>[], options: { k1?: number; b?: number } = {}) {
    this.#k1 = options.k1 ?? 1.2;
    this.#b = options.b ?? 0.75;
    this.#documents = documents.map((document) => {
      const frequencies = new Map<string, number>();
      for (const term of document.terms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
      for (const term of frequencies.keys()) {
        this.#documentFrequency.set(term, (this.#documentFrequency.get(term) ?? 0) + 1);
      }
      return { key: document.key, frequencies, length: document.terms.length };
    });
    const total = this.#documents.reduce((sum, document) => sum + document.length, 0);
    this.#averageLength = this.#documents.length === 0 ? 0 : total / this.#documents.length;
  }

  idf(term: string): number {
    const n = this.#documents.length;
    const df = this.#documentFrequency.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Every document with a positive score, best first (ties keep index order).
   * Terms in `uncounted` score but are left out of `coverage`.
   */
  search(queryTerms: readonly string[], uncounted: ReadonlySet<string> = new Set()): Bm25Hit<K>[] {
    const unique = [...new Set(queryTerms)];
    const queryWeight = unique.filter((term) => !uncounted.has(term)).reduce((sum, term) => sum + this.idf(term), 0);
    const hits: Bm25Hit<K>[] = [];
    for (const document of this.#documents) {
      let score = 0;
      let matchedWeight = 0;
      for (const term of unique) {
        const tf = document.frequencies.get(term);
        if (!tf) continue;
        const idf = this.idf(term);
        const norm = 1 - this.#b + (this.#b * document.length) / (this.#averageLength || 1);
        score += (idf * tf * (this.#k1 + 1)) / (tf + this.#k1 * norm);
        if (!uncounted.has(term)) matchedWeight += idf;
      }
      if (score > 0)
        hits.push({
          key: document.key,
          score,
          coverage: queryWeight === 0 ? 1 : Math.min(1, matchedWeight / queryWeight),
        });
    }
    return hits.sort((a, b) => b.score - a.score);
  }
}
