/**
 * SMS quiet hours (SPEC §2, TCPA): a non-transactional text goes out only between 08:00 and 21:00
 * in the recipient's local time. Where the zone is unknown, only while that window holds in every
 * continental US zone.
 */
export const SENDING_WINDOW = { startHour: 8, endHour: 21 } as const;

/** The zones used when a recipient's own zone is unknown. */
export const CONTINENTAL_US_ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
] as const;

const hourFormats = new Map<string, Intl.DateTimeFormat>();

function localHour(at: Date, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
    hourFormats.set(timeZone, format);
  }
  return Number(format.format(at));
}

const knownZones = new Set<string>();

/**
 * True when `timeZone` names a zone this runtime knows (IANA names such as `America/Denver`).
 * Known zones are remembered: building a formatter to ask costs about 30 µs per request.
 */
export function isKnownTimeZone(timeZone: string): boolean {
  if (knownZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  // Only real zones are remembered, so the set is bounded by the zone database.
  knownZones.add(timeZone);
  return true;
}

/** True when a non-transactional SMS may go out at `at` to someone in `timeZone`. */
export function isWithinSendingHours(at: Date, timeZone: string | undefined): boolean {
  const zones = timeZone && isKnownTimeZone(timeZone) ? [timeZone] : CONTINENTAL_US_ZONES;
  return zones.every((zone) => {
    const hour = localHour(at, zone);
    return hour >= SENDING_WINDOW.startHour && hour < SENDING_WINDOW.endHour;
  });
}
