import { DynamoDbAnalyticsReader } from '../../shared/adapters/dynamodb/analytics-reader.js';
import { runtimeConfig } from '../../shared/config.js';
import { buildReport, reportDays } from '../../shared/domain/analytics/report.js';
import { httpHandler } from '../../shared/http/handler.js';
import { header, prefersHtml } from '../../shared/http/headers.js';
import { htmlPage } from '../../shared/http/html-page.js';
import { json } from '../../shared/http/responses.js';
import { reportBody } from './analytics-html.js';

const config = runtimeConfig();
const store = new DynamoDbAnalyticsReader(config.TABLE_NAME);

/**
 * `GET /admin/analytics?from=&to=` (SPEC §4; analyst, marketing, admin): the anonymous aggregates
 * of a range of UTC days, as JSON, or as a self-contained page (inline SVG chart, no script) when
 * the browser asks for HTML. Nothing here is personal data, so nothing is audited.
 */
export const handler = httpHandler(async (event) => {
  const query = event.queryStringParameters ?? {};
  const days = reportDays(query.from, query.to);
  const report = buildReport(days[0] ?? '', days[days.length - 1] ?? '', await store.readDays(days));
  if (prefersHtml(header(event, 'accept'))) {
    const page = htmlPage(200, {
      title: 'Site analytics',
      brandName: config.BRAND_NAME,
      postalAddress: config.POSTAL_ADDRESS,
      body: reportBody(report),
    });
    return page;
  }
  return json(200, report, { 'Cache-Control': 'no-store' });
});
