import type { AnalyticsReport } from '../../shared/domain/analytics/report.js';
import { escapeHtml } from '../../shared/domain/html.js';
import { OTHER_PATH } from '../../shared/ports/analytics-store.js';

const CHART = { width: 640, height: 200, pad: 24 };

/**
 * The daily views as an inline SVG bar chart: no script, no style attribute (the page's CSP allows
 * only its one stylesheet), presentation attributes only, with a text alternative.
 */
export function viewsChart(days: AnalyticsReport['days']): string {
  const max = Math.max(1, ...days.map((day) => day.views));
  const step = (CHART.width - 2 * CHART.pad) / Math.max(1, days.length);
  const barWidth = Math.max(1, step * 0.8);
  const plot = CHART.height - 2 * CHART.pad;
  const bars = days
    .map((day, index) => {
      const height = (day.views / max) * plot;
      const x = CHART.pad + index * step;
      const y = CHART.pad + plot - height;
      return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${height.toFixed(1)}" fill="#1a4d8f"><title>${escapeHtml(day.day)}: ${day.views} views, ${day.visitors ?? 'too few to show'} visitors</title></rect>`;
    })
    .join('');
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  return (
    `<svg role="img" aria-labelledby="chart-title" viewBox="0 0 ${CHART.width} ${CHART.height}" width="100%" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="chart-title">Views per day from ${escapeHtml(first)} to ${escapeHtml(last)}, at most ${max}</title>` +
    `<line x1="${CHART.pad}" y1="${CHART.height - CHART.pad}" x2="${CHART.width - CHART.pad}" y2="${CHART.height - CHART.pad}" stroke="#555"/>` +
    bars +
    `<text x="${CHART.pad}" y="${CHART.height - 6}" font-size="11" fill="#555">${escapeHtml(first)}</text>` +
    `<text x="${CHART.width - CHART.pad}" y="${CHART.height - 6}" font-size="11" fill="#555" text-anchor="end">${escapeHtml(last)}</text>` +
    `<text x="${CHART.pad}" y="${CHART.pad - 6}" font-size="11" fill="#555">${max} views</text>` +
    '</svg>'
  );
}

function table(caption: string, headings: string[], rows: (string | number)[][]): string {
  if (rows.length === 0) return `<h2>${escapeHtml(caption)}</h2><p>None in this range.</p>`;
  return (
    `<h2>${escapeHtml(caption)}</h2><table><thead><tr>${headings.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(String(cell))}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  );
}

/** The report page's body: totals, the daily chart, top pages, top organisations, breakdowns, attribution. */
export function reportBody(report: AnalyticsReport): string {
  const { totals } = report;
  const top = <T>(items: readonly T[]) => items.slice(0, 20);
  const few = `fewer than ${report.minVisitorsShown}`;
  // The row of everything under the threshold (SPEC §3): named as such, never as one of its members.
  const label = (name: string) => (name === OTHER_PATH ? `Other (each under ${report.minVisitorsShown} visitors)` : name);
  return [
    `<p>From ${escapeHtml(report.from)} to ${escapeHtml(report.to)} (UTC days): <strong>${totals.views}</strong> views, <strong>${totals.visitors ?? few}</strong> unique visitors, average time on page ${totals.averageSeconds} s. ${totals.optedOutViews} views came with a do-not-track signal and are counted only as views.</p>`,
    viewsChart(report.days),
    table(
      'Top pages',
      ['Page', 'Views', 'Visitors', 'Average seconds'],
      top(report.pages).map((page) => [label(page.path), page.views, page.visitors, page.averageSeconds]),
    ),
    table(
      'Top organisations',
      ['Organisation', 'Visitors', 'Views', 'Pages read'],
      top(report.organisations).map((org) => [
        label(org.name),
        org.visitors,
        org.views,
        org.pages
          .slice(0, 5)
          .map((page) => `${label(page.path)} (${page.views})`)
          .join(', '),
      ]),
    ),
    `<p>No row with fewer than ${report.minVisitorsShown} visitors is shown: such rows are counted together as "Other", itself shown only from ${report.minVisitorsShown} visitors. ISPs, mobile carriers and hosting providers are counted as unidentified (${totals.unidentifiedViews} views).</p>`,
    table(
      'Browsers',
      ['Browser', 'Views', 'Visitors'],
      top(report.browsers).map((b) => [label(b.name), b.views, b.visitors]),
    ),
    table(
      'Languages',
      ['Language', 'Views', 'Visitors'],
      top(report.languages).map((l) => [label(l.name), l.views, l.visitors]),
    ),
    table(
      'Countries',
      ['Country', 'Views', 'Visitors'],
      top(report.countries).map((c) => [label(c.name), c.views, c.visitors]),
    ),
    `<p class="notice">${escapeHtml(report.attribution.text)} ${report.attribution.links
      .map((link) => `<a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a>`)
      .join(' · ')}</p>`,
  ].join('');
}
