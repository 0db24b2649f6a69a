import { allForYear } from '@18f/us-federal-holidays';

/**
 * The legal clocks of a privacy request (SPEC §2 Deadlines, 11 CCR §7021): both run from the
 * moment the request is received, not from its verification. Business days skip Saturdays,
 * Sundays and US federal holidays as observed (a holiday on a Saturday is kept on the Friday
 * before, one on a Sunday on the Monday after). Days are counted in the deployment's time zone:
 * a request received at 23:30 on a Friday in Los Angeles was received on a Friday, whatever UTC says.
 */

/** Business days within which a request is acknowledged (11 CCR §7021(a)). */
export const ACKNOWLEDGE_BUSINESS_DAYS = 10;
/** Calendar days within which a request is answered (Cal. Civ. Code §1798.130(a)(2)). */
export const RESPOND_DAYS = 45;
/** The longest an answer may take with an extension, counted from receipt (11 CCR §7021(b)). */
export const MAX_RESPOND_DAYS = 90;

/** The clocks a request carries: the due dates, as instants (the end of the due day in the zone). */
export interface PrivacyClocks {
  receivedAt: string;
  acknowledgeBy: string;
  respondBy: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** `YYYY-MM-DD` of an instant in a time zone. */
export function dayIn(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(
    instant,
  );
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Calendar arithmetic on `YYYY-MM-DD` days, done in UTC where no day has 23 or 25 hours. */
function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const holidaysByYear = new Map<number, Set<string>>();

/** The observed federal holidays dated in `year` (New Year's Day of `year + 1` may be observed on 31 December). */
function holidaysOf(year: number): Set<string> {
  let days = holidaysByYear.get(year);
  if (!days) {
    days = new Set(
      [...allForYear(year), ...allForYear(year + 1)]
        .map((holiday) => holiday.date.toISOString().slice(0, 10))
        .filter((date) => date.startsWith(`${year}-`)),
    );
    holidaysByYear.set(year, days);
  }
  return days;
}

/** Whether a `YYYY-MM-DD` day is a business day: a weekday that is not an observed federal holiday. */
export function isBusinessDay(day: string): boolean {
  const weekday = new Date(`${day}T00:00:00.000Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !holidaysOf(Number(day.slice(0, 4))).has(day);
}

/** The day `count` business days after `day` (the day itself does not count). */
export function addBusinessDays(day: string, count: number): string {
  let current = day;
  for (let left = count; left > 0;) {
    current = addDays(current, 1);
    if (isBusinessDay(current)) left -= 1;
  }
  return current;
}

/** Business days from the day of `from` to the day of `to`: 0 on the same day, negative once `to` has passed. */
export function businessDaysBetween(from: Date, to: Date, timeZone: string): number {
  const start = dayIn(from, timeZone);
  const end = dayIn(to, timeZone);
  const sign = end >= start ? 1 : -1;
  let count = 0;
  for (let day = start; day !== end;) {
    day = addDays(day, sign);
    if (sign > 0 ? isBusinessDay(day) : isBusinessDay(addDays(day, 1))) count += sign;
  }
  return count;
}

/** The offset of a time zone from UTC at an instant, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const asUtc = Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The last millisecond of a `YYYY-MM-DD` day in a time zone: a thing due "by" that day is due by then. */
export function endOfDay(day: string, timeZone: string): string {
  const nextMidnightUtc = Date.parse(`${addDays(day, 1)}T00:00:00.000Z`);
  // The zone's offset at the end of the day; twice, so that a change of offset that day is met.
  let instant = nextMidnightUtc - offsetMs(new Date(nextMidnightUtc), timeZone);
  instant = nextMidnightUtc - offsetMs(new Date(instant - 1), timeZone);
  return new Date(instant - 1).toISOString();
}

/** The due date of an answer `days` calendar days after receipt (45 without extension, at most 90). */
export function respondByFor(receivedAt: string, days: number, timeZone: string): string {
  return endOfDay(addDays(dayIn(new Date(receivedAt), timeZone), days), timeZone);
}

/** Both clocks of a request received at `receivedAt`. */
export function clocksFor(receivedAt: Date, timeZone: string): PrivacyClocks {
  const day = dayIn(receivedAt, timeZone);
  return {
    receivedAt: receivedAt.toISOString(),
    acknowledgeBy: endOfDay(addBusinessDays(day, ACKNOWLEDGE_BUSINESS_DAYS), timeZone),
    respondBy: respondByFor(receivedAt.toISOString(), RESPOND_DAYS, timeZone),
  };
}

/** An extension the law does not allow: beyond 90 days from receipt, or not later than the due date it replaces. */
export class ExtensionNotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtensionNotAllowedError';
  }
}

/**
 * The new answer date of an extension to `totalDays` from receipt (default the full 90): later
 * than the date in force, and never beyond 90 days from receipt.
 */
export function extendedRespondBy(
  clocks: Pick<PrivacyClocks, 'receivedAt' | 'respondBy'>,
  totalDays: number,
  timeZone: string,
): string {
  if (!Number.isInteger(totalDays) || totalDays > MAX_RESPOND_DAYS)
    throw new ExtensionNotAllowedError(`An answer may take at most ${MAX_RESPOND_DAYS} days from receipt.`);
  const respondBy = respondByFor(clocks.receivedAt, totalDays, timeZone);
  if (respondBy <= clocks.respondBy)
    throw new ExtensionNotAllowedError('An extension must move the answer date later than the one in force.');
  return respondBy;
}

/** How a due date stands at an instant: met in time or not yet near, near (at most 2 business days left), or past. */
export type DueState = 'ok' | 'near' | 'past';

/** Business days left before a due date counts as near. */
export const NEAR_DUE_BUSINESS_DAYS = 2;

/** Whether a due date is near or past at `now`. */
export function dueState(dueBy: string, now: Date, timeZone: string): DueState {
  const due = new Date(dueBy);
  if (now.getTime() > due.getTime()) return 'past';
  return businessDaysBetween(now, due, timeZone) <= NEAR_DUE_BUSINESS_DAYS ? 'near' : 'ok';
}
