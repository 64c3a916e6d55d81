import { describe, expect, it } from 'vitest';
import { ResultBudget } from '../src/budget';

interface Listing {
  items: { id: string; url: string; about: string }[];
  truncated?: string;
}

const render = (out: Listing) =>
  [...out.items.map((i) => `- [${i.id}](${i.url}) ${i.about}`), out.truncated ?? ''].join('\n');

const listing = (count: number, about = 'x'.repeat(100)): Listing => ({
  items: Array.from({ length: count }, (_, n) => ({
    id: `owner/repo-${n}`,
    url: `https://hub/owner/repo-${n}`,
    about,
  })),
});

describe('ResultBudget', () => {
  it('leaves a result that fits alone', () => {
    const budget = new ResultBudget(8_000);
    const small = listing(3);
    expect(budget.fit(small, render, 'items')).toBe(small);
  });

  it('measures a rendered length it is given instead of rendering, and still fits a result that does not fit', () => {
    const budget = new ResultBudget(1_000); // 4,000 characters
    let renders = 0;
    const counted = (out: Listing) => {
      renders++;
      return render(out);
    };
    const small = listing(3);
    expect(budget.fit(small, counted, 'items', render(small).length)).toBe(small);
    expect(renders).toBe(0);
    const big = listing(100);
    const fitted = budget.fit(big, counted, 'items', render(big).length);
    expect(fitted).not.toBe(big);
    expect(budget.size(fitted, render)).toBeLessThanOrEqual(4_000);
  });

  it('drops the last items of a list until markdown plus JSON fit, and says how many are shown', () => {
    const budget = new ResultBudget(1_000); // 4,000 characters
    const fitted = budget.fit(listing(100), render, 'items');
    expect(budget.size(fitted, render)).toBeLessThanOrEqual(4_000);
    expect(fitted.items.length).toBeGreaterThan(5);
    expect(fitted.items.length).toBeLessThan(100);
    // The best (first) results are kept, and one more would not have fitted.
    expect(fitted.items[0]!.id).toBe('owner/repo-0');
    const oneMore = { ...fitted, items: listing(fitted.items.length + 1).items };
    expect(budget.size(oneMore, render)).toBeGreaterThan(4_000);
    expect(fitted.truncated).toBe(
      `Showing ${fitted.items.length} of 100 results to stay within this tool's budget of 1,000 tokens; ask for fewer (limit) or narrow the query to see others.`,
    );
  });

  it('shortens long fields when even one item is too big, keeping ids and links whole', () => {
    const budget = new ResultBudget(500); // 2,000 characters
    const huge = listing(3, 'y'.repeat(20_000));
    const fitted = budget.fit(huge, render, 'items');
    expect(budget.size(fitted, render)).toBeLessThanOrEqual(2_000);
    expect(fitted.items[0]).toMatchObject({ id: 'owner/repo-0', url: 'https://hub/owner/repo-0' });
    expect(fitted.items[0]!.about).toMatch(/^y+…$/);
    expect(fitted.truncated).toMatch(
      /Long fields were shortened to stay within this tool's budget of 500 tokens\.$/,
    );
  });

  it('shortens a single record without a list', () => {
    const budget = new ResultBudget(500);
    const record = {
      id: 'a/b',
      summary: 'z'.repeat(10_000),
      tags: Array.from({ length: 500 }, (_, i) => `tag-${i}`),
    };
    const renderRecord = (r: typeof record & { truncated?: string }) =>
      `${r.id}\n${r.summary}\n${r.tags.join(',')}`;
    const fitted = budget.fit(record as typeof record & { truncated?: string }, renderRecord);
    expect(budget.size(fitted, renderRecord)).toBeLessThanOrEqual(2_000);
    expect(fitted.tags.length).toBeLessThan(500);
    expect(fitted.id).toBe('a/b');
  });
});
