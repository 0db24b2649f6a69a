import { describe, expect, it } from '@jest/globals';
import {
  addBusinessDays,
  businessDaysBetween,
  clocksFor,
  dueState,
  endOfDay,
  ExtensionNotAllowedError,
  extendedRespondBy,
  isBusinessDay,
} from '../../shared/domain/privacy/clocks.js';

const NEW_YORK = 'America/New_York';
const LOS_ANGELES = 'America/Los_Angeles';

describe('business days', () => {
  it.each([
    ['2026-11-26', false, 'Thanksgiving'],
    ['2026-11-27', true, 'the Friday after Thanksgiving is a working day'],
    ['2026-12-25', false, 'Christmas on a Friday'],
    ['2022-12-26', false, 'Christmas 2022 fell on a Sunday: observed on the Monday'],
    ['2021-12-24', false, 'Christmas 2021 fell on a Saturday: observed on the Friday before'],
    ['2021-12-31', false, "New Year's Day 2022 fell on a Saturday: observed on 31 December 2021"],
    ['2027-01-01', false, "New Year's Day"],
    ['2026-07-03', false, 'Independence Day 2026 falls on a Saturday: observed on the Friday'],
    ['2026-06-19', false, 'Juneteenth'],
    ['2026-11-28', false, 'a Saturday'],
    ['2026-11-29', false, 'a Sunday'],
    ['2026-12-01', true, 'an ordinary Tuesday'],
  ])('%s is a business day: %s (%s)', (day, expected) => {
    expect(isBusinessDay(day)).toBe(expected);
  });

  it('skips the weekend and Thanksgiving when counting ten business days from the day before Thanksgiving', () => {
    // Wed 25 Nov 2026 → Fri 27 (1), Mon 30 (2), 1–4 Dec (3–6), 7–10 Dec (7–10)
    expect(addBusinessDays('2026-11-25', 10)).toBe('2026-12-10');
  });

  it('skips Christmas and New Year across the year end', () => {
    // Fri 18 Dec 2026 → 21, 22, 23, 24 Dec (1–4), 25 Dec holiday, 28–31 Dec (5–8), 1 Jan holiday, 4, 5 Jan (9, 10)
    expect(addBusinessDays('2026-12-18', 10)).toBe('2027-01-05');
  });

  it('counts from the receipt day without counting it, even when received on a weekend', () => {
    // Sat 28 Nov 2026 → Mon 30 Nov is the first business day
    expect(addBusinessDays('2026-11-28', 1)).toBe('2026-11-30');
  });

  it('counts business days between two instants in the deployment zone', () => {
    expect(businessDaysBetween(new Date('2026-11-25T15:00:00Z'), new Date('2026-11-30T15:00:00Z'), NEW_YORK)).toBe(2);
    expect(businessDaysBetween(new Date('2026-11-30T15:00:00Z'), new Date('2026-11-30T20:00:00Z'), NEW_YORK)).toBe(0);
  });
});

describe('clocksFor', () => {
  it('sets the acknowledgement 10 business days and the answer 45 calendar days after receipt, due by the end of the day in the zone', () => {
    // Act
    const clocks = clocksFor(new Date('2026-11-25T15:00:00Z'), NEW_YORK);
    // Assert: end of Thu 10 Dec and of Sat 9 Jan 2027 in New York (EST, UTC-5)
    expect(clocks).toEqual({
      receivedAt: '2026-11-25T15:00:00.000Z',
      acknowledgeBy: '2026-12-11T04:59:59.999Z',
      respondBy: '2027-01-10T04:59:59.999Z',
    });
  });

  it('counts from the receipt day in the deployment zone, not in UTC', () => {
    // 23:30 on Friday 27 Nov in Los Angeles is already Saturday in UTC
    const clocks = clocksFor(new Date('2026-11-28T07:30:00Z'), LOS_ANGELES);
    // Fri 27 Nov → Mon 30 Nov (1) … Fri 11 Dec (10)
    expect(clocks.acknowledgeBy).toBe(endOfDay('2026-12-11', LOS_ANGELES));
    expect(clocks.respondBy).toBe(endOfDay('2027-01-11', LOS_ANGELES));
    // The same instant counted in UTC would start from Saturday and answer a day later
    expect(clocksFor(new Date('2026-11-28T07:30:00Z'), 'UTC').respondBy).toBe('2027-01-12T23:59:59.999Z');
  });

  it('ends a due day at the zone offset of that day across a daylight saving change', () => {
    expect(endOfDay('2026-03-08', NEW_YORK)).toBe('2026-03-09T03:59:59.999Z');
    expect(endOfDay('2026-11-01', NEW_YORK)).toBe('2026-11-02T04:59:59.999Z');
  });
});

describe('extendedRespondBy', () => {
  const clocks = clocksFor(new Date('2026-11-25T15:00:00Z'), NEW_YORK);

  it('moves the answer date to 90 days from receipt', () => {
    expect(extendedRespondBy(clocks, 90, NEW_YORK)).toBe(endOfDay('2027-02-23', NEW_YORK));
  });

  it.each([91, 120, 45, 30, 60.5])('refuses an extension to %s days from receipt', (days) => {
    expect(() => extendedRespondBy(clocks, days, NEW_YORK)).toThrow(ExtensionNotAllowedError);
  });

  it('refuses a second extension once 90 days are reached', () => {
    const once = { ...clocks, respondBy: extendedRespondBy(clocks, 90, NEW_YORK) };
    expect(() => extendedRespondBy(once, 90, NEW_YORK)).toThrow(ExtensionNotAllowedError);
  });
});

describe('dueState', () => {
  const due = endOfDay('2026-12-10', NEW_YORK);

  it.each([
    ['2026-12-01T15:00:00Z', 'ok'],
    ['2026-12-08T15:00:00Z', 'near'],
    ['2026-12-10T22:00:00Z', 'near'],
    ['2026-12-11T05:00:00Z', 'past'],
  ])('at %s is %s', (now, expected) => {
    expect(dueState(due, new Date(now), NEW_YORK)).toBe(expected);
  });

  it('counts the days before a due date in business days: a weekend in between does not make it near', () => {
    // Thu 3 Dec → Mon 7 Dec is 2 business days: near; Wed 2 Dec → 3 business days: ok
    const monday = endOfDay('2026-12-07', NEW_YORK);
    expect(dueState(monday, new Date('2026-12-03T15:00:00Z'), NEW_YORK)).toBe('near');
    expect(dueState(monday, new Date('2026-12-02T15:00:00Z'), NEW_YORK)).toBe('ok');
  });
});
