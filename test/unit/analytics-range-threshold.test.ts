import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { sketchElement } from '../../shared/domain/analytics/hll.js';
import { buildReport } from '../../shared/domain/analytics/report.js';
import type { AnalyticsDay } from '../../shared/ports/analytics-store.js';

/**
 * SPEC §3: "Aggregates below a small threshold (fewer than 3 visitors) are not shown." The
 * threshold holds for each stored day cell (a page, an organisation, an organisation's page, a
 * browser, language or country of one day), so that no range, and no difference of two ranges,
 * shows a day cell a one-day report would hide.
 */
const hashOf = (text: string) => createHash('sha256').update(text).digest();
const elements = (...names: string[]) => names.map((name) => sketchElement(hashOf(name)));

const pathDay = (path: string, visitors: number[], views = visitors.length): AnalyticsDay['paths'][number] => ({
  path,
  views,
  optedOutViews: 0,
  unidentifiedViews: 0,
  engagements: 0,
  seconds: 0,
  browsers: { Firefox: views },
  languages: {},
  countries: {},
  visitors,
});

const organisation = (visitors: string[], pages: Record<string, string[]>): AnalyticsDay['organisations'][number] => ({
  asn: 64_501,
  name: 'Acme Trucks Inc.',
  visitors: elements(...visitors),
  pages: Object.fromEntries(
    Object.entries(pages).map(([path, who]) => [path, { views: who.length, visitors: elements(...who) }]),
  ),
});

/** One day on which `visitors` (from Acme) read `path`, each once. */
const day = (date: string, path: string, visitors: string[]): AnalyticsDay => ({
  day: date,
  paths: [pathDay(path, elements(...visitors))],
  organisations: [organisation(visitors, { [path]: visitors })],
  dimensions: { browsers: { Firefox: elements(...visitors) }, languages: {}, countries: {} },
});

type Report = ReturnType<typeof buildReport>;
const acme = (report: Report) => report.organisations.find((row) => row.name === 'Acme Trucks Inc.');
const page = (report: Report, path: string) => report.pages.find((row) => row.path === path);
const firefox = (report: Report) => report.browsers.find((row) => row.name === 'Firefox');

describe('the analytics report over overlapping ranges', () => {
  it('does not reveal, by the difference of two ranges, what one visitor of an organisation did on one day', () => {
    // Arrange: three Acme visitors read /pricing on the 24th; ONE Acme visitor reads /careers on the 25th
    const days = [day('2026-11-24', '/pricing', ['a', 'b', 'c']), day('2026-11-25', '/careers', ['d'])];
    // Act: an analyst asks for the 24th, then for the 24th and 25th
    const first = buildReport('2026-11-24', '2026-11-24', days.slice(0, 1));
    const both = buildReport('2026-11-24', '2026-11-25', days);
    // Assert: every figure of the organisation, its pages, the pages and the browsers is the same
    expect(acme(first)).toBeDefined();
    expect(acme(both)).toEqual(acme(first));
    expect(both.pages).toEqual(first.pages);
    expect(both.browsers).toEqual(first.browsers);
  });

  it('still shows an organisation and its page over a range whose days each had 3 of its visitors, with visitors from the merged sketches', () => {
    // Arrange: elements a, b, c on the 24th and a, b, d on the 25th (the same elements stand for the same sketch registers)
    const days = [day('2026-11-24', '/pricing', ['a', 'b', 'c']), day('2026-11-25', '/pricing', ['a', 'b', 'd'])];
    // Act
    const report = buildReport('2026-11-24', '2026-11-25', days);
    // Assert: both days' views; four distinct visitors (a union, not the sum 6)
    expect(acme(report)).toEqual({
      name: 'Acme Trucks Inc.',
      asn: 64_501,
      visitors: 4,
      views: 6,
      pages: [{ path: '/pricing', views: 6, visitors: 4 }],
    });
    expect(page(report, '/pricing')).toMatchObject({ views: 6, visitors: 4 });
    expect(firefox(report)).toEqual({ name: 'Firefox', views: 6, visitors: 4 });
    expect(report.totals.visitors).toBe(4);
  });

  it('adds nothing from a day on which a row had 2 visitors to any range containing that day', () => {
    // Arrange: /pricing read by 3 Acme visitors on the 24th and the 26th, by 2 on the 25th
    const days = [
      day('2026-11-24', '/pricing', ['a', 'b', 'c']),
      day('2026-11-25', '/pricing', ['e', 'f']),
      day('2026-11-26', '/pricing', ['g', 'h', 'i']),
    ];
    // Act
    const whole = buildReport('2026-11-24', '2026-11-26', days);
    const firstTwo = buildReport('2026-11-24', '2026-11-25', days.slice(0, 2));
    const lastTwo = buildReport('2026-11-25', '2026-11-26', days.slice(1));
    const middle = buildReport('2026-11-25', '2026-11-25', days.slice(1, 2));
    // Assert: the 25th's two visitors and two views are in no figure of any row
    expect(acme(whole)).toMatchObject({ views: 6, visitors: 6, pages: [{ path: '/pricing', views: 6, visitors: 6 }] });
    expect(acme(firstTwo)).toMatchObject({ views: 3, visitors: 3, pages: [{ path: '/pricing', views: 3, visitors: 3 }] });
    expect(acme(lastTwo)).toMatchObject({ views: 3, visitors: 3, pages: [{ path: '/pricing', views: 3, visitors: 3 }] });
    expect(page(whole, '/pricing')).toMatchObject({ views: 6, visitors: 6 });
    expect(page(firstTwo, '/pricing')).toMatchObject({ views: 3, visitors: 3 });
    expect(firefox(lastTwo)).toEqual({ name: 'Firefox', views: 3, visitors: 3 });
    expect(whole.organisations).toHaveLength(1);
    expect(whole.pages).toHaveLength(1);
    expect(middle.organisations).toEqual([]);
    expect(middle.pages).toEqual([]);
    expect(middle.browsers).toEqual([]);
    // The day's own total stays as it is (views per day are shown, visitors under 3 are not)
    expect(middle.days).toEqual([{ day: '2026-11-25', views: 2, visitors: null }]);
  });
});
